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

/** The SDK's API objects for one call, bound to the call's cancel signal. */
export interface PipedriveApis {
  users: ReturnType<typeof v1.UsersApiFactory>;
  personFields: ReturnType<typeof v1.PersonFieldsApiFactory>;
  organizationFields: ReturnType<typeof v1.OrganizationFieldsApiFactory>;
  dealFields: ReturnType<typeof v1.DealFieldsApiFactory>;
  activityFields: ReturnType<typeof v1.ActivityFieldsApiFactory>;
  productFields: ReturnType<typeof v1.ProductFieldsApiFactory>;
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

  constructor(options: PipedriveClientOptions) {
    const base = options.baseUrl.replace(/\/+$/, '');
    const token = options.apiKey;
    const apiKey = () => token.reveal();
    this.#v1 = new v1.Configuration({ apiKey, basePath: `${base}/v1` });
    this.#v2 = new v2.Configuration({ apiKey, basePath: `${base}/api/v2` });
    // Every status is an answer to read, not an exception: classification happens in `call`.
    this.#axios = axios.create({ validateStatus: () => true, maxRedirects: 0 });
  }

  /**
   * Runs one SDK call and returns the reply when it is a success. Otherwise throws a
   * PipedriveHttpError (status, headers, Pipedrive's body) or a PipedriveNetworkError (code and
   * message): neither holds anything of the request. A cancelled call ends with the signal's reason.
   */
  async send<T>(signal: AbortSignal | undefined, run: (apis: PipedriveApis) => Promise<unknown>): Promise<PipedriveReply<T>> {
    let response: AxiosResponse;
    try {
      response = (await run(this.#apis(signal))) as AxiosResponse;
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

  #apis(signal: AbortSignal | undefined): PipedriveApis {
    // The factories call `axios.request(config)`: a per-call facade adds the cancel signal.
    const instance = this.#axios;
    const bound = { request: (config: AxiosRequestConfig) => instance.request({ ...config, ...(signal ? { signal } : {}) }) } as unknown as SdkAxios;
    return {
      users: v1.UsersApiFactory(this.#v1, undefined, bound),
      personFields: v1.PersonFieldsApiFactory(this.#v1, undefined, bound),
      organizationFields: v1.OrganizationFieldsApiFactory(this.#v1, undefined, bound),
      dealFields: v1.DealFieldsApiFactory(this.#v1, undefined, bound),
      activityFields: v1.ActivityFieldsApiFactory(this.#v1, undefined, bound),
      productFields: v1.ProductFieldsApiFactory(this.#v1, undefined, bound),
      persons: v2.PersonsApiFactory(this.#v2, undefined, bound),
      organizations: v2.OrganizationsApiFactory(this.#v2, undefined, bound),
      deals: v2.DealsApiFactory(this.#v2, undefined, bound),
      activities: v2.ActivitiesApiFactory(this.#v2, undefined, bound),
      products: v2.ProductsApiFactory(this.#v2, undefined, bound),
    };
  }

  toJSON(): Record<string, unknown> {
    return { client: 'pipedrive', basePath: this.#v2.basePath };
  }
}

function flattenHeaders(headers: AxiosResponse['headers']): HeaderBag {
  const result: HeaderBag = {};
  for (const [key, value] of Object.entries(headers ?? {}))
    result[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value === undefined || value === null ? undefined : String(value);
  return result;
}
