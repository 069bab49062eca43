import { ConfigError } from '@automl/connector-core';
import { z } from 'zod';

const source = z
  .strictObject({
    connection: z.string().min(1),
    table: z.string().min(1).optional(),
    query: z.string().min(1).optional(),
  })
  .refine((value) => value.table !== undefined || value.query !== undefined, { message: 'give a table or a query' });

/** A pipeline as a job: where to learn, what to score, where the predictions go. */
export const pipelineSpecSchema = z.strictObject({
  training: z.strictObject({
    connection: z.string().min(1),
    table: z.string().min(1).optional(),
    query: z.string().min(1).optional(),
    labelColumn: z.string().min(1),
  }),
  scoring: source,
  destination: z.strictObject({
    connection: z.string().min(1),
    table: z.string().min(1),
    keyColumn: z.string().min(1),
    mode: z.enum(['upsert', 'append']).optional(),
    /** Columns copied from the scoring rows besides churn_risk and segment (the key always is). */
    fields: z.array(z.string().min(1)).optional(),
  }),
  automl: z.record(z.string(), z.unknown()).optional(),
});

export type PipelineSpec = z.output<typeof pipelineSpecSchema>;

/** Validates a spec from flags, JSON or YAML; every bad field is named. */
export function parsePipelineSpec(input: unknown): PipelineSpec {
  const result = pipelineSpecSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys].join('.') : issue.path.join('.') || '(root)',
    message: issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message.replace(/, received .*$/, ''),
  }));
  const error = new ConfigError({
    message: `Invalid pipeline spec: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    operation: 'pipeline',
    hint: 'A spec names training {connection, table|query, labelColumn}, scoring {connection, table|query} and destination {connection, table, keyColumn}.',
  });
  error.issues = issues;
  throw error;
}
