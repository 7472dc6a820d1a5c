import { Fragment } from 'react';

/**
 * Worded text with its technical tokens marked by backticks (a host, a dcv.conf line, a command,
 * a code): those show as <code>, so they read as what to type or look for, not as sentences.
 */
export function Rich({ text }: { text: string }) {
  const parts = text.split('`');
  return (
    <>
      {parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : <Fragment key={i}>{part}</Fragment>))}
    </>
  );
}
