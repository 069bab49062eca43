/** HubSpot's limit for list pages and batch inputs. */
export const hubSpotPageLimit = 100;

/**
 * Most characters of the `properties` query parameter in one list request. HubSpot publishes no URL
 * limit, but its edge refuses long request URLs with 414 URI Too Long: portals with a few hundred
 * custom properties meet it when every property is asked for (reported from about 8,000 characters
 * of properties; others measured ~16 KB). 7,000 keeps the whole URL (path, limit, cursor) under
 * 8 KB, so a read of every property of any portal is split into requests that all pass.
 */
export const hubSpotPropertiesParamMax = 7_000;

/**
 * Batches of one write in flight at once. A batch call takes a few hundred milliseconds over the
 * internet, so one at a time reaches about 4 calls a second, less than half of the lowest tier's
 * 100 per 10 s; four reach the rate, which core's limiter then holds. Memory holds four batches.
 */
export const hubSpotWriteConcurrency = 4;
