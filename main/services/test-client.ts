/**
 * For tests: the services as a shell sees them. Every call goes through dispatch and the
 * contract's validation; `call` throws on an error result, `raw` returns it; `events` records
 * everything the services emitted.
 */
import type { Channel, EventName, LauncherServices, Request, Responses, Result } from '../../preload/contract/api';
import { dispatch } from '../dispatch';

export function serviceClient(services: LauncherServices) {
  // `any`: a test reads the payload of the event it looked for.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const events: Array<{ event: EventName; payload: any }> = [];
  services.subscribe((event, payload) => events.push({ event, payload }));
  const raw = <C extends Channel>(channel: C, request: Request<C>) => dispatch(services.handlers, channel, request) as Promise<Result<Responses[C]>>;
  const call = async <C extends Channel>(channel: C, request: Request<C>): Promise<Responses[C]> => {
    const r = await raw(channel, request);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
    return r.value;
  };
  return { events, raw, call };
}
