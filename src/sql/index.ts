// The SQL front end's public API: lexer, splitter, parser, printer and the AST types.

export * from './ast.js';
export { SqlSyntaxError } from './errors.js';
export { CLAIMED_VERSION, lex, renderTokens, tokenize, TokenKind, type LexResult, type Token } from './lexer.js';
export { splitStatements, type StatementText } from './split.js';
export { MAX_EXPR_DEPTH, MAX_NESTING, parseExpression, parseStatement, parseStatements } from './parser.js';
export { print, printExpr, printJobInsert, quoteIdent, quoteString, type PrintOptions } from './printer.js';
export { redactSqlText, redactStatement } from './redact.js';
export { isSecretKey, parseByteSize, redactUri } from './options.js';
