/**
 * The character a MySQL backslash escape stands for (`\0 \b \n \r \t \Z`, and any other character
 * for itself), as LOAD DATA's FIELDS ESCAPED BY and string literals in dumps use them.
 */
export function unescapeMysql(c: string): string {
  switch (c) {
    case '0':
      return '\0';
    case 'b':
      return '\b';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'Z':
      return '\x1a';
    default:
      return c;
  }
}
