import { AsyncLocalStorage } from 'node:async_hooks';
import type { Secret } from '@automl/connector-core';
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { v1, v2 } from 'pipedrive';
import { type PipedriveErrorBody, PipedriveHttpError, PipedriveNetworkError } from './pipedrive-errors.js';
import type { HeaderBag } from './pipedrive-rate-limit-headers.js';

/** What every call of the connector gets back: Pipedrive's envelope plus the status and headers. */
export interface PipedriveReply<T> {
  status: number;
  headers: HeaderBag;
  body: { success: boolean; data: T; additional_data?: Record<string, unknown> | null };
}

/** The SDK's API objects, built once per client (each on first use). */
export interface PipedriveApis {
  users: ReturnType<typeof v1.UsersApiFactory>;
  personFields: ReturnType<typeof v1.PersonFieldsApiFactory>;
  organizationFields: ReturnType<typeof v1.OrganizationFieldsApiFactory>;
  dealFields: ReturnType<typeof v1.DealFieldsApiFactory>;
  activityFields: ReturnType<typeof v1.ActivityFieldsApiFactory>;
  productFields: ReturnType<typeof v1.ProductFieldsApiFactory>;
  leads: ReturnType<typeof v1.LeadsApiFactory>;
  /** v2 person fields: adding options to an enum field. */
  personFieldsV2: ReturnType<typeof v2.PersonFieldsApiFactory>;
  persons: ReturnType<typeof v2.PersonsApiFactory>;
  organizations: ReturnType<typeof v2.OrganizationsApiFactory>;
  deals: ReturnType<typeof v2.DealsApiFactory>;
  activities: ReturnType<typeof v2.ActivitiesApiFactory>;
  products: ReturnType<typeof v2.ProductsApiFactory>;
}

/** The axios type the SDK's CommonJS typings name (the same library as ours, typed through another module mode). */
type SdkAxios = NonNullable<Parameters<typeof v2.PersonsApiFactory>[2]>;

export interface PipedriveClientOptions {
  /** `https://<company>.pipedrive.com` or the emulator's URL; `/v1` and `/api/v2` are appended. */
  baseUrl: string;
  apiKey: Secret;
}

/**
 * The official `pipedrive` client, set up so the connector sees what the API said. Its API classes
 * answer an error with the bare body (no status, no headers: a 429's reset is lost, client-nodejs
 * issue #725), so the APIs are built from their factories over an axios instance of our own without
 * the SDK's interceptors; every reply, error or not, comes back whole. The token is handed to the
 * SDK as a function, so the Configuration objects hold no copy of it that JSON or inspect could show.
 */
export class PipedriveClient {
  readonly #axios: AxiosInstance;
  readonly #v1: v1.Configuration;
  readonly #v2: v2.Configuration;
  readonly #apis: PipedriveApis;

  constructor(options: PipedriveClientOptions) {
    const base = options.baseUrl.replace(/\/+$/, '');
    const token = options.apiKey;
    const apiKey = () => token.reveal();
    this.#v1 = new v1.Configuration({ apiKey, basePath: `${base}/v1` });
    this.#v2 = new v2.Configuration({ apiKey, basePath: `${base}/api/v2` });
    // Every status is an answer to read, not an exception: classification happens in `call`.
    this.#axios = axios.create({ validateStatus: () => true, maxRedirects: 0 });
    this.#apis = buildApis(this.#v1, this.#v2, this.#axios);
  }

  /**
   * Runs one SDK call and returns the reply when it is a success. Otherwise throws a
   * PipedriveHttpError (status, headers, Pipedrive's body) or a PipedriveNetworkError (code and
   * message): neither holds anything of the request. A cancelled call ends with the signal's reason.
   */
  async send<T>(signal: AbortSignal | undefined, run: (apis: PipedriveApis) => Promise<unknown>): Promise<PipedriveReply<T>> {
    let response: AxiosResponse;
    try {
      response = (await callSignal.run(signal, () => run(this.#apis))) as AxiosResponse;
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      throw new PipedriveNetworkError(error);
    }
    const headers = flattenHeaders(response.headers);
    const body = (typeof response.data === 'object' && response.data !== null ? response.data : undefined) as PipedriveReply<T>['body'] | undefined;
    if (response.status >= 400 || !body || body.success === false) {
      // A 2xx without Pipedrive's envelope is a proxy's page, not an answer: treat it as a bad gateway.
      throw new PipedriveHttpError(response.status >= 400 ? response.status : 502, headers, body as PipedriveErrorBody | undefined);
    }
    return { status: response.status, headers, body };
  }

  toJSON(): Record<string, unknown> {
    return { client: 'pipedrive', basePath: this.#v2.basePath };
  }
}

/**
 * The cancel signal of the call in progress. The SDK's methods take no request options, so the signal
 * cannot be passed along with the call; the API objects are built once over an axios facade that
 * reads it from here (it follows the call through the SDK's awaits, concurrent calls each seeing
 * their own), instead of building thirteen API objects per request around a per-call facade.
 */
const callSignal = new AsyncLocalStorage<AbortSignal | undefined>();

function buildApis(v1Configuration: v1.Configuration, v2Configuration: v2.Configuration, instance: AxiosInstance): PipedriveApis {
  const withSignal = {
    request: (config: AxiosRequestConfig) => {
      const signal = callSignal.getStore();
      return instance.request(signal ? { ...config, signal } : config);
    },
  } as unknown as SdkAxios;
  const factories: { [Name in keyof PipedriveApis]: () => PipedriveApis[Name] } = {
    users: () => v1.UsersApiFactory(v1Configuration, undefined, withSignal),
    personFields: () => v1.PersonFieldsApiFactory(v1Configuration, undefined, withSignal),
    organizationFields: () => v1.OrganizationFieldsApiFactory(v1Configuration, undefined, withSignal),
    dealFields: () => v1.DealFieldsApiFactory(v1Configuration, undefined, withSignal),
    activityFields: () => v1.ActivityFieldsApiFactory(v1Configuration, undefined, withSignal),
    productFields: () => v1.ProductFieldsApiFactory(v1Configuration, undefined, withSignal),
    leads: () => v1.LeadsApiFactory(v1Configuration, undefined, withSignal),
    personFieldsV2: () => v2.PersonFieldsApiFactory(v2Configuration, undefined, withSignal),
    persons: () => v2.PersonsApiFactory(v2Configuration, undefined, withSignal),
    organizations: () => v2.OrganizationsApiFactory(v2Configuration, undefined, withSignal),
    deals: () => v2.DealsApiFactory(v2Configuration, undefined, withSignal),
    activities: () => v2.ActivitiesApiFactory(v2Configuration, undefined, withSignal),
    products: () => v2.ProductsApiFactory(v2Configuration, undefined, withSignal),
  };
  // Each API object is made on first use and kept: a read of persons builds one, not thirteen.
  const apis = {} as PipedriveApis;
  const define = <Name extends keyof PipedriveApis>(name: Name) => {
    let api: PipedriveApis[Name] | undefined;
    Object.defineProperty(apis, name, { enumerable: true, get: () => (api ??= factories[name]()) });
  };
  for (const name of Object.keys(factories) as Array<keyof PipedriveApis>) define(name);
  return apis;
}

function flattenHeaders(headers: AxiosResponse['headers']): HeaderBag {
  const result: HeaderBag = {};
  for (const [key, value] of Object.entries(headers ?? {}))
    result[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value === undefined || value === null ? undefined : String(value);
  return result;
}
