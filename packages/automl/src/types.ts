/** One record as read from Excel, Google Sheets or a CRM: plain object, any subset of columns. */
export type Row = Record<string, string | number | boolean | Date | null | undefined | unknown>;

/** A class label. Labels of one fit must share one of these types. */
export type Label = string | number | boolean;

/** A dense numeric feature matrix, one array per row, produced by the preprocessor. */
export type FeatureMatrix = number[][];
