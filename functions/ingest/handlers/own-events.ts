// Placeholder so infrastructure can bundle this entry point; replaced by the real handler.
export const handler = async (): Promise<void> => {};
