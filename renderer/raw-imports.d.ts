// Vite's "?raw" import: a file's text as a string (the renderer's tests read sources this way,
// with no Node built-in).
declare module '*?raw' {
  const text: string;
  export default text;
}
