/**
 * Child process for crash-safety.test.ts: saves the catalogue in a loop until killed.
 * Save n holds (n % 9) + 1 desktops all named "save <n> #<k>", so a file mixing two saves,
 * or cut short, is easy to tell from a whole one.
 */
import { openCatalogueStore } from '../../main/services/store/catalogue-store';
import { sampleCatalogue } from '../../main/services/store/fixtures';

const dir = process.argv[2];
const saves = Number(process.argv[3] ?? 1000);
const store = await openCatalogueStore({ dir });
const base = sampleCatalogue();
process.stdout.write('ready\n');
for (let n = 0; n < saves; n++) {
  const count = (n % 9) + 1;
  const desktops = Array.from({ length: count }, (_, k) => ({ ...base.desktops[k % base.desktops.length], id: `d${k}`, name: `save ${n} #${k}` }));
  await store.save({ ...base, desktops, profiles: [] });
}
process.stdout.write('done\n');
