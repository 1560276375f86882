/** The match notation, as PBX admins know it from Asterisk and FreePBX (dial_plan.rs). */
const NOTATION: [string, string][] = [
  ['X', 'any digit 0–9'],
  ['Z', 'any digit 1–9'],
  ['N', 'any digit 2–9'],
  ['[1-5] [147]', 'one digit of the set'],
  ['0-9 + * #', 'itself'],
  ['.', 'at the end: one or more further characters'],
]

const EXAMPLES: [string, string][] = [
  ['NXXNXXXXXX', 'a 10-digit North American number'],
  ['011.', 'anything after 011 (international from the US)'],
  ['+44.', 'any UK number in E.164'],
]

export function PatternHelp() {
  return (
    <details className="rounded-md border px-3 py-2 text-sm sm:col-span-2">
      <summary className="cursor-pointer font-medium">How to write a match</summary>
      <div className="mt-2 flex flex-col gap-3 text-muted-foreground">
        <p>
          A <span className="font-medium text-foreground">prefix</span> matches every number that starts with
          it (<code>011</code>, <code>+44</code>). A{' '}
          <span className="font-medium text-foreground">pattern</span> matches the whole number, one character
          at a time, unless it ends with <code>.</code>; a leading <code>_</code> is allowed.
        </p>
        <dl className="m-0 grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1">
          {NOTATION.map(([code, meaning]) => (
            <div key={code} className="contents">
              <dt className="font-mono text-foreground">{code}</dt>
              <dd className="m-0">{meaning}</dd>
            </div>
          ))}
        </dl>
        <p>
          For example:{' '}
          {EXAMPLES.map(([code, meaning], i) => (
            <span key={code}>
              <code className="text-foreground">{code}</code> {meaning}
              {i < EXAMPLES.length - 1 ? '; ' : '.'}
            </span>
          ))}{' '}
          Routes are tried by priority, lowest first; the first active one that matches takes the call. It
          then removes the leading characters to strip, puts the prefix to add in front, and the result must
          be an E.164 number.
        </p>
      </div>
    </details>
  )
}
