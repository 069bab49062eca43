const plainNumber = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// Thousands separators only in well-formed groups of three, so "1,5" (a decimal comma) is not misread as 15.
const groupedNumber = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const currencyPrefix = /^[$€£¥]\s*/;

/**
 * Parses numbers the way spreadsheets and CRM exports write them: " 42 ", "1,234.5", "3.5%",
 * "$1,200", "(12.50)" for a negative amount. A percent keeps the written number ("3.5%" -> 3.5)
 * so a column mixing "3.5%" and 3.5 stays consistent. Returns undefined for anything else.
 */
export function parseNumericString(text: string): number | undefined {
  let cleaned = text.trim();
  if (cleaned === '') return undefined;
  let sign = 1;
  if (cleaned.startsWith('(') && cleaned.endsWith(')')) {
    sign = -1;
    cleaned = cleaned.slice(1, -1).trim();
  }
  if (cleaned.startsWith('-') && currencyPrefix.test(cleaned.slice(1))) {
    sign = -sign;
    cleaned = cleaned.slice(1);
  }
  cleaned = cleaned.replace(currencyPrefix, '');
  if (cleaned.endsWith('%')) cleaned = cleaned.slice(0, -1).trimEnd();
  let parsed: number | undefined;
  if (plainNumber.test(cleaned)) parsed = Number(cleaned);
  else if (groupedNumber.test(cleaned)) parsed = Number(cleaned.replaceAll(',', ''));
  if (parsed === undefined || !Number.isFinite(parsed)) return undefined;
  return sign * parsed;
}
