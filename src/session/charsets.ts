// The character sets and collations loadwire accepts in SET NAMES / SET character_set_* and shows
// in SHOW CHARACTER SET / SHOW COLLATION. Ids are MySQL's, so clients that map ids to encodings
// (the handshake byte, column definitions) agree with us.

export interface CharsetInfo {
  name: string;
  description: string;
  defaultCollation: string;
  maxLen: number;
}

export interface CollationInfo {
  name: string;
  charset: string;
  id: number;
  isDefault: boolean;
  sortLen: number;
  padAttribute: 'PAD SPACE' | 'NO PAD';
}

const CHARSET_LIST: CharsetInfo[] = [
  { name: 'ascii', description: 'US ASCII', defaultCollation: 'ascii_general_ci', maxLen: 1 },
  { name: 'big5', description: 'Big5 Traditional Chinese', defaultCollation: 'big5_chinese_ci', maxLen: 2 },
  { name: 'binary', description: 'Binary pseudo charset', defaultCollation: 'binary', maxLen: 1 },
  { name: 'cp1250', description: 'Windows Central European', defaultCollation: 'cp1250_general_ci', maxLen: 1 },
  { name: 'cp1251', description: 'Windows Cyrillic', defaultCollation: 'cp1251_general_ci', maxLen: 1 },
  { name: 'gb18030', description: 'China National Standard GB18030', defaultCollation: 'gb18030_chinese_ci', maxLen: 4 },
  { name: 'gb2312', description: 'GB2312 Simplified Chinese', defaultCollation: 'gb2312_chinese_ci', maxLen: 2 },
  { name: 'gbk', description: 'GBK Simplified Chinese', defaultCollation: 'gbk_chinese_ci', maxLen: 2 },
  { name: 'latin1', description: 'cp1252 West European', defaultCollation: 'latin1_swedish_ci', maxLen: 1 },
  { name: 'latin2', description: 'ISO 8859-2 Central European', defaultCollation: 'latin2_general_ci', maxLen: 1 },
  { name: 'sjis', description: 'Shift-JIS Japanese', defaultCollation: 'sjis_japanese_ci', maxLen: 2 },
  { name: 'ucs2', description: 'UCS-2 Unicode', defaultCollation: 'ucs2_general_ci', maxLen: 2 },
  { name: 'ujis', description: 'EUC-JP Japanese', defaultCollation: 'ujis_japanese_ci', maxLen: 3 },
  { name: 'utf16', description: 'UTF-16 Unicode', defaultCollation: 'utf16_general_ci', maxLen: 4 },
  { name: 'utf16le', description: 'UTF-16LE Unicode', defaultCollation: 'utf16le_general_ci', maxLen: 4 },
  { name: 'utf32', description: 'UTF-32 Unicode', defaultCollation: 'utf32_general_ci', maxLen: 4 },
  { name: 'utf8mb3', description: 'UTF-8 Unicode', defaultCollation: 'utf8mb3_general_ci', maxLen: 3 },
  { name: 'utf8mb4', description: 'UTF-8 Unicode', defaultCollation: 'utf8mb4_general_ci', maxLen: 4 },
];

const c = (name: string, charset: string, id: number, isDefault = false, padAttribute: CollationInfo['padAttribute'] = 'PAD SPACE'): CollationInfo => ({
  name, charset, id, isDefault, sortLen: 1, padAttribute,
});

const COLLATION_LIST: CollationInfo[] = [
  c('ascii_general_ci', 'ascii', 11, true), c('ascii_bin', 'ascii', 65),
  c('big5_chinese_ci', 'big5', 1, true), c('big5_bin', 'big5', 84),
  c('binary', 'binary', 63, true, 'NO PAD'),
  c('cp1250_general_ci', 'cp1250', 26, true), c('cp1251_general_ci', 'cp1251', 51, true),
  c('gb18030_chinese_ci', 'gb18030', 248, true), c('gb18030_bin', 'gb18030', 249),
  c('gb2312_chinese_ci', 'gb2312', 24, true), c('gb2312_bin', 'gb2312', 86),
  c('gbk_chinese_ci', 'gbk', 28, true), c('gbk_bin', 'gbk', 87),
  c('latin1_swedish_ci', 'latin1', 8, true), c('latin1_general_ci', 'latin1', 48), c('latin1_general_cs', 'latin1', 49), c('latin1_bin', 'latin1', 47),
  c('latin2_general_ci', 'latin2', 9, true),
  c('sjis_japanese_ci', 'sjis', 13, true), c('ucs2_general_ci', 'ucs2', 35, true), c('ujis_japanese_ci', 'ujis', 12, true),
  c('utf16_general_ci', 'utf16', 54, true), c('utf16le_general_ci', 'utf16le', 56, true), c('utf32_general_ci', 'utf32', 60, true),
  c('utf8mb3_general_ci', 'utf8mb3', 33, true), c('utf8mb3_bin', 'utf8mb3', 83), c('utf8mb3_unicode_ci', 'utf8mb3', 192),
  c('utf8mb4_general_ci', 'utf8mb4', 45, true), c('utf8mb4_bin', 'utf8mb4', 46), c('utf8mb4_unicode_ci', 'utf8mb4', 224),
  c('utf8mb4_unicode_520_ci', 'utf8mb4', 246), c('utf8mb4_0900_ai_ci', 'utf8mb4', 255, false, 'NO PAD'),
  c('utf8mb4_0900_as_cs', 'utf8mb4', 278, false, 'NO PAD'), c('utf8mb4_0900_bin', 'utf8mb4', 309, false, 'NO PAD'),
];

export const CHARSETS: ReadonlyMap<string, CharsetInfo> = new Map(CHARSET_LIST.map((x) => [x.name, x]));
export const COLLATIONS: ReadonlyMap<string, CollationInfo> = new Map(COLLATION_LIST.map((x) => [x.name, x]));

export function defaultCollation(charset: string): string {
  return CHARSETS.get(charset)?.defaultCollation ?? 'utf8mb4_general_ci';
}

export function charsetList(): readonly CharsetInfo[] {
  return CHARSET_LIST;
}

export function collationList(): readonly CollationInfo[] {
  return COLLATION_LIST;
}
