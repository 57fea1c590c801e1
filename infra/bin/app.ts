#!/usr/bin/env node
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createApp } from '../app-factory.ts';

const { app } = createApp();

// cdk-nag 3 is a policy-validation plugin (not an Aspect): findings are reported by `cdk synth`
// and written to cdk.out/policy-validation-report.json; unacknowledged errors fail synthesis.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
