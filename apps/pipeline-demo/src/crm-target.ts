import type { Row } from '@automl/connector-core';
import type { EmulatorServer } from '@automl/sandbox';
import type { OfflineSandbox } from './offline-sandbox.js';
import type { StageName } from './run-report.js';
import type { Segment } from './segment.js';

/** The CRMs the demo writes to (`--crm`), behind core's `CRMConnector`. */
export type CrmId = 'hubspot' | 'pipedrive' | 'salesforce';

/** One new customer once scored: what any CRM's record is built from. */
export interface ScoredCustomer {
  customerId: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  /** P(churn), rounded to 4 decimals. */
  churnRisk: number;
  segment: Segment;
}

/** A CRMConnector config: its `crmType` and the connector's own keys. */
export type CrmConnection = Record<string, unknown> & { crmType: CrmId };

/** A CRM emulator running for the offline demo, with the connector config that reaches it. */
export interface CrmSandbox {
  baseUrl: string;
  /** The CRMConnector config (crmType, baseUrl / instanceUrl, credentials), as a user would write it. */
  connection: CrmConnection;
  /** Records of the demo's destination the emulator held before this run. */
  recordsBefore: number;
  /** The emulator's state file, kept between runs (open it to see what the pipeline wrote). */
  statePath: string;
  /** The emulator itself: tests and scripts inject faults or watch requests there (`onSandboxReady`). */
  emulator: EmulatorServer;
  stop(): Promise<void>;
}

/**
 * Everything the demo needs to know about one CRM: where the predictions go, by which key, which
 * fields are sent, what online mode needs, and how the offline emulator is started. One file per
 * CRM implements it (crm-hubspot.ts, crm-pipedrive.ts, crm-salesforce.ts); the pipeline itself is
 * the same for all of them.
 */
export interface CrmTarget {
  id: CrmId;
  /** "HubSpot", for the output. */
  name: string;
  /** The write stage's name in the report's `durationsMs` (writeHubSpot...). */
  stage: Extract<StageName, `write${string}`>;
  /** `writeCrmData`'s destination. */
  destination: string;
  /** What the emulator's state file holds, for the output ("the sandbox's HubSpot portal"). */
  sandboxHolds: string;
  /** What the records are called in the output ("contacts", "persons"). */
  recordNoun: string;
  /** `writeCrmData`'s idProperty: the field records are matched on. */
  idProperty: string;
  /** How records are matched, for the output: "by email", "by external id (External_Id__c = customer_id)". */
  matchedBy: string;
  /** Connector settings the demo uses online and offline (on top of the credentials). */
  connectorSettings: Record<string, unknown>;
  /** The environment variables online mode needs (each entry: alternatives, any one will do). */
  onlineVariables: string[][];
  /** The record sent for one customer: the key, the names and the two predictions, never the features. */
  record(customer: ScoredCustomer): Row;
  /** The customer's key value as the report shows it in `failures`. */
  keyOf(customer: ScoredCustomer): string | null;
  /** Starts (or, for HubSpot, takes from the shared sandbox) the emulator with its persisted state. */
  startSandbox(context: { stateDirectory: string; fresh: boolean; shared: OfflineSandbox }): Promise<CrmSandbox>;
}
