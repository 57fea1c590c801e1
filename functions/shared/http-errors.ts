import { AppError } from './errors.ts';

/** Errors an HTTP edge answers with their 4xx status and message; anything else is a logged, generic 500. */
export abstract class ClientError extends AppError {
  abstract readonly statusCode: 400 | 401 | 403 | 404 | 413 | 415;
  /** Machine-readable reason in the response body. */
  abstract readonly code: string;
}

export class UnauthorizedError extends ClientError {
  readonly statusCode = 401;
  readonly code = 'unauthorized';
}

export class PayloadTooLargeError extends ClientError {
  readonly statusCode = 413;
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends ClientError {
  readonly statusCode = 415;
  readonly code = 'unsupported_media_type';
}

export class MalformedRequestError extends ClientError {
  readonly statusCode = 400;
  readonly code = 'malformed_request';
}
