import type { Endpoint } from '../../../preload/contract/model';

/** The <option>s of an endpoint picker, each showing name and host. */
export function EndpointOptions({ endpoints }: { endpoints: readonly Endpoint[] | null | undefined }) {
  return (endpoints ?? []).map((e) => (
    <option key={e.id} value={e.id}>
      {e.name} ({e.host})
    </option>
  ));
}
