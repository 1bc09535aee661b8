// Errors of the compliance-reports module, from the closed set (platform/errors/app-error.ts).
import { AppError } from '../../platform/errors/app-error.js';
import type { ReportSpecError } from './report-definition.js';

export const ComplianceErrors = {
  definitionNotFound: (name: string) => AppError.notFound(`report definition ${name}`),
  runNotFound: () => AppError.notFound('report run'),
  definitionExists: (name: string, path: (string | number)[]) =>
    new AppError('CONFLICT', `report definition ${name} already exists`, [
      { path, message: 'a report definition of this name exists' },
    ]),
  invalidSpec: (err: ReportSpecError) => AppError.validation(err.issues),
  notFinished: () => new AppError('PRECONDITION_FAILED', 'the run has not succeeded: it has no files yet'),
};
