// jsdom ships no types and @types/jsdom has no release for jsdom 29: the one constructor the
// Japanese walk uses (an HTML snapshot from Chromium read with the renderer's own checker).
declare module 'jsdom' {
  export class JSDOM {
    constructor(html: string);
    readonly window: Window & typeof globalThis;
  }
}
