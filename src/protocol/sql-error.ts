// The one error type that reaches the wire. Codes and SQLSTATEs are MySQL's, named after the C
// symbols of the server error reference
// (https://dev.mysql.com/doc/mysql-errors/8.0/en/server-error-reference.html), because drivers and
// ORMs pick their exception class from the errno (PyMySQL, Sequelize) and users search for them.

export const ER = {
  ER_CON_COUNT_ERROR: { errno: 1040, sqlState: '08004' },
  ER_HANDSHAKE_ERROR: { errno: 1043, sqlState: '08S01' },
  ER_DBACCESS_DENIED_ERROR: { errno: 1044, sqlState: '42000' },
  ER_ACCESS_DENIED_ERROR: { errno: 1045, sqlState: '28000' },
  ER_NO_DB_ERROR: { errno: 1046, sqlState: '3D000' },
  ER_UNKNOWN_COM_ERROR: { errno: 1047, sqlState: '08S01' },
  ER_BAD_NULL_ERROR: { errno: 1048, sqlState: '23000' },
  ER_BAD_DB_ERROR: { errno: 1049, sqlState: '42000' },
  ER_TABLE_EXISTS_ERROR: { errno: 1050, sqlState: '42S01' },
  ER_BAD_TABLE_ERROR: { errno: 1051, sqlState: '42S02' },
  ER_SERVER_SHUTDOWN: { errno: 1053, sqlState: '08S01' },
  ER_BAD_FIELD_ERROR: { errno: 1054, sqlState: '42S22' },
  ER_DUP_FIELDNAME: { errno: 1060, sqlState: '42S21' },
  ER_DUP_ENTRY: { errno: 1062, sqlState: '23000' },
  ER_PARSE_ERROR: { errno: 1064, sqlState: '42000' },
  ER_EMPTY_QUERY: { errno: 1065, sqlState: '42000' },
  ER_NONUNIQ_TABLE: { errno: 1066, sqlState: '42000' },
  ER_INVALID_DEFAULT: { errno: 1067, sqlState: '42000' },
  ER_WRONG_VALUE_COUNT: { errno: 1058, sqlState: '21S01' },
  ER_NO_SUCH_THREAD: { errno: 1094, sqlState: 'HY000' },
  ER_KILL_DENIED_ERROR: { errno: 1095, sqlState: 'HY000' },
  ER_UNKNOWN_ERROR: { errno: 1105, sqlState: 'HY000' },
  ER_WRONG_VALUE_COUNT_ON_ROW: { errno: 1136, sqlState: '21S01' },
  ER_NOT_ALLOWED_COMMAND: { errno: 1148, sqlState: '42000' },
  ER_TABLEACCESS_DENIED_ERROR: { errno: 1142, sqlState: '42000' },
  ER_NO_SUCH_TABLE: { errno: 1146, sqlState: '42S02' },
  ER_NET_PACKET_TOO_LARGE: { errno: 1153, sqlState: '08S01' },
  ER_NET_READ_ERROR_FROM_PIPE: { errno: 1154, sqlState: '08S01' },
  ER_NET_READ_ERROR: { errno: 1158, sqlState: '08S01' },
  ER_NET_READ_INTERRUPTED: { errno: 1159, sqlState: '08S01' },
  ER_NET_PACKETS_OUT_OF_ORDER: { errno: 1156, sqlState: '08S01' },
  ER_LOCK_OR_ACTIVE_TRANSACTION: { errno: 1192, sqlState: 'HY000' },
  ER_UNKNOWN_SYSTEM_VARIABLE: { errno: 1193, sqlState: 'HY000' },
  ER_QUERY_INTERRUPTED: { errno: 1317, sqlState: '70100' },
  ER_SPECIFIC_ACCESS_DENIED_ERROR: { errno: 1227, sqlState: '42000' },
  ER_LOCAL_VARIABLE: { errno: 1228, sqlState: 'HY000' },
  ER_GLOBAL_VARIABLE: { errno: 1229, sqlState: 'HY000' },
  ER_NO_DEFAULT: { errno: 1230, sqlState: '42000' },
  ER_WRONG_VALUE_FOR_VAR: { errno: 1231, sqlState: '42000' },
  ER_WRONG_TYPE_FOR_VAR: { errno: 1232, sqlState: '42000' },
  ER_INCORRECT_GLOBAL_LOCAL_VAR: { errno: 1238, sqlState: 'HY000' },
  ER_NOT_SUPPORTED_YET: { errno: 1235, sqlState: '42000' },
  ER_UNKNOWN_CHARACTER_SET: { errno: 1115, sqlState: '42000' },
  ER_UNKNOWN_STMT_HANDLER: { errno: 1243, sqlState: 'HY000' },
  ER_UNKNOWN_COLLATION: { errno: 1273, sqlState: 'HY000' },
  ER_WRONG_ARGUMENTS: { errno: 1210, sqlState: 'HY000' },
  ER_CANT_CHANGE_TX_CHARACTERISTICS: { errno: 1568, sqlState: '25001' },
  ER_UNKNOWN_TIME_ZONE: { errno: 1298, sqlState: 'HY000' },
  ER_WRONG_ARGUMENTS_COUNT: { errno: 1582, sqlState: '42000' },
  ER_SP_DOES_NOT_EXIST: { errno: 1305, sqlState: '42000' },
  ER_TRUNCATED_WRONG_VALUE: { errno: 1292, sqlState: '22007' },
  ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: { errno: 1366, sqlState: 'HY000' },
  ER_WARN_DATA_OUT_OF_RANGE: { errno: 1264, sqlState: '22003' },
  ER_DATA_TOO_LONG: { errno: 1406, sqlState: '22001' },
  ER_WRONG_ARGUMENTS_TO_FUNCTION: { errno: 1582, sqlState: '42000' },
  ER_SECURE_TRANSPORT_REQUIRED: { errno: 3159, sqlState: 'HY000' },
  ER_WRONG_NAME_FOR_INDEX: { errno: 1280, sqlState: '42000' },
  ER_TOO_LONG_IDENT: { errno: 1059, sqlState: '42000' },
  ER_WRONG_DB_NAME: { errno: 1102, sqlState: '42000' },
  ER_WRONG_TABLE_NAME: { errno: 1103, sqlState: '42000' },
  ER_DB_CREATE_EXISTS: { errno: 1007, sqlState: 'HY000' },
  ER_DB_DROP_EXISTS: { errno: 1008, sqlState: 'HY000' },
  ER_MALFORMED_PACKET: { errno: 1835, sqlState: 'HY000' },
  ER_NO_TABLES_USED: { errno: 1096, sqlState: 'HY000' },
  ER_OPERAND_COLUMNS: { errno: 1241, sqlState: '21000' },
  ER_MIX_OF_GROUP_FUNC_AND_FIELDS: { errno: 1140, sqlState: '42000' },
  ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT: { errno: 1582, sqlState: '42000' },
  ER_MAX_PREPARED_STMT_COUNT_REACHED: { errno: 1461, sqlState: '42000' },
  ER_CLIENT_INTERACTION_TIMEOUT: { errno: 4031, sqlState: 'HY000' },
  ER_NEED_REPREPARE: { errno: 1615, sqlState: 'HY000' },
  ER_OPTION_PREVENTS_STATEMENT: { errno: 1290, sqlState: 'HY000' },
  ER_FILE_NOT_FOUND: { errno: 1017, sqlState: 'HY000' },
  ER_DUP_KEYNAME: { errno: 1061, sqlState: '42000' },
  ER_CANT_DROP_FIELD_OR_KEY: { errno: 1091, sqlState: '42000' },
  // Raised by the embedded target (src/targets/embedded).
  ER_NON_UNIQ_ERROR: { errno: 1052, sqlState: '23000' },
  ER_WRONG_FIELD_SPEC: { errno: 1063, sqlState: '42000' },
  ER_MULTIPLE_PRI_KEY: { errno: 1068, sqlState: '42000' },
  ER_KEY_COLUMN_DOES_NOT_EXITS: { errno: 1072, sqlState: '42000' },
  ER_TOO_BIG_FIELDLENGTH: { errno: 1074, sqlState: '42000' },
  ER_WRONG_AUTO_KEY: { errno: 1075, sqlState: '42000' },
  ER_BLOB_CANT_HAVE_DEFAULT: { errno: 1101, sqlState: '42000' },
  ER_INVALID_GROUP_FUNC_USE: { errno: 1111, sqlState: 'HY000' },
  ER_RECORD_FILE_FULL: { errno: 1114, sqlState: 'HY000' },
  ER_TOO_MANY_TABLES: { errno: 1116, sqlState: 'HY000' },
  ER_WRONG_COLUMN_NAME: { errno: 1166, sqlState: '42000' },
  ER_LOCK_WAIT_TIMEOUT: { errno: 1205, sqlState: 'HY000' },
  ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT: { errno: 1222, sqlState: '21000' },
  WARN_DATA_TRUNCATED: { errno: 1265, sqlState: '01000' },
  ER_INVALID_ON_UPDATE: { errno: 1294, sqlState: 'HY000' },
  ER_TOO_BIG_PRECISION: { errno: 1426, sqlState: '42000' },
  ER_INVALID_JSON_TEXT: { errno: 3140, sqlState: '22032' },
  // The job dialect's own failures reuse MySQL's generic codes where MySQL has no closer one.
  ER_LOAD_DATA_INVALID_COLUMN: { errno: 3094, sqlState: 'HY000' },
  ER_TABLE_NOT_EMPTY: { errno: 8173, sqlState: 'HY000' }, // TiDB ErrLoadDataPreCheckFailed family
  ER_JOB_NOT_FOUND: { errno: 1105, sqlState: 'HY000' },
  ER_WRONG_USAGE: { errno: 1221, sqlState: 'HY000' },
  ER_TOO_MANY_CONCURRENT_TRXS: { errno: 1637, sqlState: 'HY000' },
  // Added by the SQL front end (src/sql): option and alias checks of the job statements. The 81xx
  // codes are TiDB's own (errno.ErrUnknownOption ...), which IMPORT INTO users already know.
  ER_WRONG_VALUE: { errno: 1525, sqlState: 'HY000' },
  ER_LOAD_DATA_UNSUPPORTED_FORMAT: { errno: 8157, sqlState: 'HY000' },
  ER_LOAD_DATA_INVALID_URI: { errno: 8158, sqlState: 'HY000' },
  ER_UNKNOWN_OPTION: { errno: 8163, sqlState: 'HY000' },
  ER_INVALID_OPTION_VAL: { errno: 8164, sqlState: 'HY000' },
  ER_DUPLICATE_OPTION: { errno: 8165, sqlState: 'HY000' },
  ER_LOAD_DATA_UNSUPPORTED_OPTION: { errno: 8166, sqlState: 'HY000' },
  // Reading data files: TiDB's IMPORT INTO codes (errno.ErrLoadData*), which its users search for.
  ER_LOAD_DATA_CANT_ACCESS: { errno: 8159, sqlState: 'HY000' },
  ER_LOAD_DATA_CANT_READ: { errno: 8160, sqlState: 'HY000' },
  ER_LOAD_DATA_WRONG_FORMAT_CONFIG: { errno: 8162, sqlState: 'HY000' },
  // Writing data (src/load): TiDB reports a failed post-import checksum and Doris/StarRocks a
  // filter ratio above max_filter_ratio as generic errors; the message carries the detail.
  ER_CHECKSUM_MISMATCH: { errno: 1105, sqlState: 'HY000' },
  ER_TOO_MANY_FILTERED_ROWS: { errno: 1105, sqlState: 'HY000' },
  // The job engine (src/jobs): TiDB's import-job codes where TiDB has one, else the generic 1105
  // that Doris and StarRocks answer with.
  ER_LOAD_DATA_JOB_NOT_FOUND: { errno: 8170, sqlState: 'HY000' },
  ER_LOAD_DATA_INVALID_OPERATION: { errno: 8171, sqlState: 'HY000' },
  ER_LOAD_DATA_PRECHECK_FAILED: { errno: 8173, sqlState: 'HY000' },
  ER_JOB_INVALID_STATE: { errno: 1105, sqlState: 'HY000' },
  ER_JOB_EXISTS: { errno: 1105, sqlState: 'HY000' },
  ER_LABEL_ALREADY_USED: { errno: 1105, sqlState: 'HY000' },
  ER_JOB_TIMEOUT: { errno: 1105, sqlState: 'HY000' },
} as const satisfies Record<string, { errno: number; sqlState: string }>;

export type ErrorCode = keyof typeof ER;

export class SqlError extends Error {
  readonly errno: number;
  readonly sqlState: string;
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, wire?: { errno: number; sqlState: string }) {
    super(message);
    this.name = 'SqlError';
    this.code = code;
    this.errno = wire?.errno ?? ER[code].errno;
    this.sqlState = wire?.sqlState ?? ER[code].sqlState;
  }

  /** An error a MySQL-compatible target answered, passed on to the client unchanged. */
  static fromServer(errno: number, sqlState: string, message: string): SqlError {
    const known = (Object.keys(ER) as ErrorCode[]).find((k) => ER[k].errno === errno);
    return new SqlError(known ?? 'ER_UNKNOWN_ERROR', message, { errno, sqlState });
  }
}

export function isSqlError(e: unknown): e is SqlError {
  return e instanceof SqlError;
}

/** MySQL's syntax-error message shape: `... near '<rest of the statement>' at line N`. */
export function syntaxError(near: string, line: number, productName = 'loadwire'): SqlError {
  return new SqlError(
    'ER_PARSE_ERROR',
    `You have an error in your SQL syntax; check the manual that corresponds to your ${productName} version for the right syntax to use near '${near.slice(0, 80)}' at line ${line}`,
  );
}
