/** HubSpot's limit for list pages and batch inputs. */
export const hubSpotPageLimit = 100;
