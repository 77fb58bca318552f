// `<input type="datetime-local">` works in the reader's local time; the URL and the API use
// UTC instants.

const pad = (n: number) => String(n).padStart(2, '0')

/** "2026-11-23T13:05" in local time, for a datetime-local input; '' for none. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** The UTC instant of a datetime-local value; undefined for none or an invalid value. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString()
}
