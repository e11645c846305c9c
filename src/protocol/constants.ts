// Protocol constants, named after their C symbols in mysql_com.h so they can be looked up in
// https://dev.mysql.com/doc/dev/mysql-server/latest/group__group__cs__capabilities__flags.html

/** Capability flags. Each says whether loadwire offers it, and why. */
export const Capability = {
  /** Offered: set, so MariaDB clients treat us as MySQL and do not expect MariaDB extended caps
   * (CACHE_METADATA, STMT_BULK_OPERATIONS, PROGRESS) in the reserved greeting bytes. */
  CLIENT_LONG_PASSWORD: 1,
  /** Offered: SQLAlchemy sets it (matched rows), Sequelize clears it (changed rows). */
  CLIENT_FOUND_ROWS: 2,
  CLIENT_LONG_FLAG: 4,
  CLIENT_CONNECT_WITH_DB: 8,
  CLIENT_NO_SCHEMA: 16,
  /** Not offered: compression would cost CPU on the hot path for loopback-heavy deployments. */
  CLIENT_COMPRESS: 32,
  CLIENT_ODBC: 64,
  /** Not offered: the server never asks a client for a local file (LOAD DATA LOCAL). */
  CLIENT_LOCAL_FILES: 128,
  CLIENT_IGNORE_SPACE: 256,
  CLIENT_PROTOCOL_41: 512,
  CLIENT_INTERACTIVE: 1024,
  /** Offered only when TLS is really configured: the mariadb CLI always upgrades when offered. */
  CLIENT_SSL: 2048,
  CLIENT_IGNORE_SIGPIPE: 4096,
  CLIENT_TRANSACTIONS: 8192,
  CLIENT_RESERVED: 16384,
  CLIENT_SECURE_CONNECTION: 32768,
  CLIENT_MULTI_STATEMENTS: 1 << 16,
  CLIENT_MULTI_RESULTS: 1 << 17,
  CLIENT_PS_MULTI_RESULTS: 1 << 18,
  CLIENT_PLUGIN_AUTH: 1 << 19,
  CLIENT_CONNECT_ATTRS: 1 << 20,
  CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA: 1 << 21,
  CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS: 1 << 22,
  /** Not offered: would oblige a session-state block in every OK packet. */
  CLIENT_SESSION_TRACK: 1 << 23,
  CLIENT_DEPRECATE_EOF: 1 << 24,
  CLIENT_OPTIONAL_RESULTSET_METADATA: 1 << 25,
  CLIENT_ZSTD_COMPRESSION_ALGORITHM: 1 << 26,
  /** Not offered (mysql2 asks for it anyway; negotiation masks it off). */
  CLIENT_QUERY_ATTRIBUTES: 1 << 27,
  CLIENT_SSL_VERIFY_SERVER_CERT: 1 << 30,
} as const;

export const SERVER_CAPABILITIES =
  Capability.CLIENT_LONG_PASSWORD |
  Capability.CLIENT_FOUND_ROWS |
  Capability.CLIENT_LONG_FLAG |
  Capability.CLIENT_CONNECT_WITH_DB |
  Capability.CLIENT_NO_SCHEMA |
  Capability.CLIENT_ODBC |
  Capability.CLIENT_IGNORE_SPACE |
  Capability.CLIENT_PROTOCOL_41 |
  Capability.CLIENT_INTERACTIVE |
  Capability.CLIENT_IGNORE_SIGPIPE |
  Capability.CLIENT_TRANSACTIONS |
  Capability.CLIENT_RESERVED |
  Capability.CLIENT_SECURE_CONNECTION |
  Capability.CLIENT_MULTI_STATEMENTS |
  Capability.CLIENT_MULTI_RESULTS |
  Capability.CLIENT_PS_MULTI_RESULTS |
  Capability.CLIENT_PLUGIN_AUTH |
  Capability.CLIENT_CONNECT_ATTRS |
  Capability.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA |
  Capability.CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS |
  Capability.CLIENT_DEPRECATE_EOF;

/** Server status flags (SERVER_STATUS_* in mysql_com.h). */
export const ServerStatus = {
  SERVER_STATUS_IN_TRANS: 1,
  SERVER_STATUS_AUTOCOMMIT: 2,
  SERVER_MORE_RESULTS_EXISTS: 8,
  SERVER_STATUS_NO_GOOD_INDEX_USED: 16,
  SERVER_STATUS_NO_INDEX_USED: 32,
  SERVER_STATUS_CURSOR_EXISTS: 64,
  SERVER_STATUS_LAST_ROW_SENT: 128,
  SERVER_STATUS_DB_DROPPED: 256,
  SERVER_STATUS_NO_BACKSLASH_ESCAPES: 512,
  SERVER_STATUS_METADATA_CHANGED: 1024,
  SERVER_QUERY_WAS_SLOW: 2048,
  SERVER_PS_OUT_PARAMS: 4096,
  SERVER_STATUS_IN_TRANS_READONLY: 8192,
  SERVER_SESSION_STATE_CHANGED: 16384,
} as const;

/** Command bytes (enum_server_command). */
export const Command = {
  COM_SLEEP: 0x00,
  COM_QUIT: 0x01,
  COM_INIT_DB: 0x02,
  COM_QUERY: 0x03,
  COM_FIELD_LIST: 0x04,
  COM_CREATE_DB: 0x05,
  COM_DROP_DB: 0x06,
  COM_REFRESH: 0x07,
  COM_SHUTDOWN: 0x08,
  COM_STATISTICS: 0x09,
  COM_PROCESS_INFO: 0x0a,
  COM_CONNECT: 0x0b,
  COM_PROCESS_KILL: 0x0c,
  COM_DEBUG: 0x0d,
  COM_PING: 0x0e,
  COM_TIME: 0x0f,
  COM_DELAYED_INSERT: 0x10,
  COM_CHANGE_USER: 0x11,
  COM_BINLOG_DUMP: 0x12,
  COM_TABLE_DUMP: 0x13,
  COM_CONNECT_OUT: 0x14,
  COM_REGISTER_SLAVE: 0x15,
  COM_STMT_PREPARE: 0x16,
  COM_STMT_EXECUTE: 0x17,
  COM_STMT_SEND_LONG_DATA: 0x18,
  COM_STMT_CLOSE: 0x19,
  COM_STMT_RESET: 0x1a,
  COM_SET_OPTION: 0x1b,
  COM_STMT_FETCH: 0x1c,
  COM_DAEMON: 0x1d,
  COM_BINLOG_DUMP_GTID: 0x1e,
  COM_RESET_CONNECTION: 0x1f,
} as const;

/** The name SHOW PROCESSLIST shows for each command, as MySQL spells it. */
export const COMMAND_NAMES: Readonly<Record<number, string>> = {
  0x00: 'Sleep', 0x01: 'Quit', 0x02: 'Init DB', 0x03: 'Query', 0x04: 'Field List',
  0x09: 'Statistics', 0x0c: 'Processlist', 0x0e: 'Ping', 0x11: 'Change user',
  0x16: 'Prepare', 0x17: 'Execute', 0x18: 'Long Data', 0x19: 'Close stmt', 0x1a: 'Reset stmt',
  0x1b: 'Set option', 0x1c: 'Fetch', 0x1f: 'Reset connection',
};

export const AuthPlugin = {
  MYSQL_NATIVE_PASSWORD: 'mysql_native_password',
  CACHING_SHA2_PASSWORD: 'caching_sha2_password',
} as const;
export type AuthPluginName = (typeof AuthPlugin)[keyof typeof AuthPlugin];

/** 16 MiB - 1: the largest payload of one physical packet; a payload this long continues. */
export const MAX_PACKET_PAYLOAD = 0xffffff;

/** utf8mb4_general_ci: what MariaDB greets with; every client in clients.md accepts it. */
export const DEFAULT_CHARSET_ID = 45;
