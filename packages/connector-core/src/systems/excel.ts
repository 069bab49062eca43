import { z } from 'zod';
import { defineSystem } from './system-descriptor.js';

export const excelSystem = defineSystem({
  id: 'excel',
  displayName: 'Excel',
  packageName: '@automl/connector-excel',
  crm: false,
  summary: '.xlsx / .xlsm files: typed streaming reads, atomic writes',
  fields: {
    filePath: z.string().min(1).optional(),
    sheetName: z.string().min(1).optional(),
  },
  rate: { requestsPerMinute: 0, windowSeconds: 60, source: 'a local file: no limit' },
  environment: [],
  quotaIdentity: [],
  hints: {},
});
