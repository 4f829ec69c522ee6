// Label Studio label configs: parsing and validation, result checks, config-change rules and export
// availability. Pure code: no database, no HTTP.
export {
  annotationTuple,
  checkTaskData,
  configChangeProblems,
  type LabelCounts,
  resultLabels,
  type UsedTuple,
} from './compat.ts';
export {
  type ExportCategory,
  type ExportFormat,
  type ExportFormatName,
  exportCategories,
  supportedExportFormats,
} from './exports.ts';
export { findControl } from './names.ts';
export {
  type ControlTag,
  type LabelConfig,
  LabelConfigError,
  type ObjectTag,
  type ParsedControl,
  type ParsedInput,
  parseLabelConfig,
} from './parse.ts';
export { type ResultProblem, validateResult } from './results.ts';
