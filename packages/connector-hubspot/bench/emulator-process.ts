// The HubSpot emulator in a process of its own, for the read comparison: with two cores, the
// emulator's work then runs beside the client's instead of inside its event loop, so the timing
// of each client side is not mixed with serving it. Prints { url, token, properties } on one line,
// then serves until its standard input closes.
import { createHubSpotEmulator } from '@automl/sandbox';

const total = Number(process.argv[2] ?? 10_000);
const emulator = createHubSpotEmulator({ rateLimit: false });
const url = await emulator.start();
emulator.portal.seedObjects(
  'contacts',
  Array.from({ length: total }, (_, index) => ({
    email: `bench${index}@example.com`,
    firstname: `First${index}`,
    lastname: `Last${index}`,
    lifecyclestage: index % 3 === 0 ? 'customer' : 'lead',
  })),
);
const properties = emulator.portal.properties('contacts').map((property) => property.name);
process.stdout.write(`${JSON.stringify({ url, token: emulator.token, properties })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void emulator.stop().then(() => process.exit(0));
});
