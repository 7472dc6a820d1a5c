/**
 * The message codes the wording tables word beyond ADVICE_CODES and SUMMARY_CODES (which come
 * with the contract's types): the reasons main gives for a route and what each proxy source
 * says. main/services/proxy-policy.ts and tunnel/no-proxy.ts make them; the renderer cannot
 * import their runtime lists, so they are listed here and the coverage test compares.
 */
export const ROUTE_REASON_CODES = [
  'route.env.noProxyVar',
  'route.env.noProxyMatched',
  'route.env.proxy',
  'route.profile.direct',
  'route.profile.manual',
  'route.system',
  'route.systemFallback',
  'route.unknown',
  'route.undecided',
] as const;

export const SAYS_CODES = ['says.profile.direct', 'says.profile.manual', 'says.profile.env', 'says.profile.system', 'says.route', 'says.unusable', 'says.noResolver'] as const;

export const EXPLAIN_CODES = ['explain.browser.intercepts', 'explain.browser.envIntercepts', 'explain.browser.same', 'explain.browser.other', 'explain.browser.unknown'] as const;

export const REASON_CODES = [...ROUTE_REASON_CODES, ...SAYS_CODES, ...EXPLAIN_CODES] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Params that carry English prose (an exception's or a Broker's text): never in a sentence, only as <code>. */
export const PROSE_PARAMS = ['error'] as const;
