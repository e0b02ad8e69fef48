// Escaping for report.html. Arm names, notes, failure kinds, manifest values and accuracy cells can
// come from a server, a model or a file, so every one is escaped on its way into the page: text and
// attributes through escapeHtml, data for the page script through jsonForScript.

/** HTML-escape text or an attribute value: & < > " ' become entities. */
export function escapeHtml(s: unknown): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON that is safe inside a <script> element: `<`, `>` and `&` are written as \u003c, \u003e,
 *  \u0026 (so `</script>` or `<!--` inside a string cannot end or bend the element), and U+2028 /
 *  U+2029 are escaped too. JSON.parse of the result gives back the same value. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
