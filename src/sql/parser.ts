// Hand-written recursive-descent parser in the style of graphql-js' language/parser: one parseX()
// per grammar rule with the rule in a comment above it, expectKeyword / expectOptionalKeyword, and
// errors that say "Expected X, found Y" (kept in SqlSyntaxError.detail; the wire message is MySQL's
// 1064 text). Statements loadwire does not answer itself become `passthrough` and run on the target.

import {
  BinaryOp,
  CastTypeName,
  ImportFormat,
  IntervalUnit,
  IsolationLevel,
  type AccessMode,
  type CastType,
  type ColumnAssignment,
  type Expr,
  type GrantUser,
  type ImportColumn,
  type JobInsert,
  type JobQuery,
  type Limit,
  type OrderItem,
  type Property,
  type S3Select,
  type SelectItem,
  type SetAssignment,
  type ShowFilter,
  type Statement,
  type StatementOf,
  type TableFunctionArg,
  type TableName,
  type TrimMode,
  type VariableScope,
} from './ast.js';
import { emptyQueryError, semanticError, SqlSyntaxError } from './errors.js';
import { isReserved, NILADIC_FUNCTIONS, RESERVED_FUNCTION_NAMES, RESERVED_SET_VALUES } from './keywords.js';
import { lex, renderTokens, scanSemicolons, tokenize, TokenKind, type Token } from './lexer.js';
import { checkLabel, validateImportOptions, validateJobProperties, validateS3Properties, checkPropertyDuplicates, type OptionLiteral, type RawOption } from './options.js';
import { splitStatements, statementEnds } from './split.js';

/** Parentheses, unary operators and function calls nested deeper than this are refused. */
export const MAX_NESTING = 200;
/** Expression trees deeper than this (long operator chains) are refused, so printing stays shallow. */
export const MAX_EXPR_DEPTH = 1000;
/** SUBMIT JOB alias rule of AnalyticDB. */
const MAX_ALIAS_LENGTH = 128;

const COMPARISON_OPS: Readonly<Record<string, BinaryOp>> = {
  '=': BinaryOp.EQ,
  '<=>': BinaryOp.NULL_SAFE_EQ,
  '<>': BinaryOp.NE,
  '!=': BinaryOp.NE,
  '<': BinaryOp.LT,
  '<=': BinaryOp.LE,
  '>': BinaryOp.GT,
  '>=': BinaryOp.GE,
};

const INTERVAL_UNITS: ReadonlySet<string> = new Set(Object.values(IntervalUnit));
const JOB_TABLE_FUNCTIONS: Readonly<Record<string, 'jobs' | 'tasks'>> = { JOBS: 'jobs', JOB: 'jobs', TASKS: 'tasks', TASK: 'tasks' };
const SELECT_OPTIONS = new Set([
  'ALL', 'DISTINCTROW', 'HIGH_PRIORITY', 'STRAIGHT_JOIN', 'SQL_SMALL_RESULT', 'SQL_BIG_RESULT',
  'SQL_BUFFER_RESULT', 'SQL_NO_CACHE', 'SQL_CACHE', 'SQL_CALC_FOUND_ROWS',
]);

function describe(t: Token): string {
  switch (t.kind) {
    case TokenKind.EOF:
      return '<end of statement>';
    case TokenKind.STRING:
      return `string ${t.text.length > 40 ? t.text.slice(0, 40) + '...' : t.text}`;
    case TokenKind.NUMBER:
    case TokenKind.HEX:
    case TokenKind.BITS:
      return `number ${t.text}`;
    case TokenKind.WORD:
      return `"${t.text}"`;
    case TokenKind.QUOTED_IDENT:
      return `identifier ${t.text}`;
    case TokenKind.USER_VAR:
    case TokenKind.SYSTEM_VAR:
      return `variable ${t.text}`;
    case TokenKind.PARAM:
    case TokenKind.PUNCT:
    case TokenKind.HINT:
      return `"${t.text}"`;
  }
}

class Parser {
  private pos = 0;
  private nesting = 0;
  private params = 0;
  private readonly depths = new WeakMap<object, number>();

  /**
   * @param tokens the statement's tokens without hints, ending with an EOF token
   * @param hints hint tokens keyed by the index of the token they precede
   * @param end offset where the statement text ends (its `;` or the end of the text)
   */
  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
    private readonly hints: ReadonlyMap<number, readonly Token[]>,
    private readonly end: number,
  ) {}

  // --- token helpers -------------------------------------------------------------------------

  private peek(k = 0): Token {
    const t = this.tokens[this.pos + k] ?? this.tokens[this.tokens.length - 1];
    if (t === undefined) throw new Error('token list without EOF');
    return t;
  }

  private advance(): Token {
    const t = this.peek();
    if (t.kind !== TokenKind.EOF) this.pos++;
    return t;
  }

  private peekKeyword(upper: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === TokenKind.WORD && t.upper === upper;
  }

  private peekPunct(value: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === TokenKind.PUNCT && t.value === value;
  }

  private expectOptionalKeyword(upper: string): boolean {
    if (!this.peekKeyword(upper)) return false;
    this.pos++;
    return true;
  }

  private expectKeyword(upper: string): Token {
    if (!this.peekKeyword(upper)) throw this.unexpected(upper);
    return this.advance();
  }

  private expectOptionalPunct(value: string): boolean {
    if (!this.peekPunct(value)) return false;
    this.pos++;
    return true;
  }

  private expectPunct(value: string): Token {
    if (!this.peekPunct(value)) throw this.unexpected(`"${value}"`);
    return this.advance();
  }

  private unexpected(expected: string, t: Token = this.peek()): SqlSyntaxError {
    return this.errorAt(t, `Expected ${expected}, found ${describe(t)}`);
  }

  private errorAt(t: Token, detail: string): SqlSyntaxError {
    return new SqlSyntaxError(this.source, t.offset, t.line, t.column, detail);
  }

  private atEnd(): boolean {
    return this.peek().kind === TokenKind.EOF;
  }

  expectEnd(): void {
    if (!this.atEnd()) throw this.unexpected('end of statement');
  }

  private enter(): void {
    if (++this.nesting > MAX_NESTING) throw this.errorAt(this.peek(), `Too high level of nesting (more than ${MAX_NESTING})`);
  }

  private leave(): void {
    this.nesting--;
  }

  /** Records an expression node's depth and refuses trees deeper than MAX_EXPR_DEPTH. */
  private node<E extends Expr>(e: E, ...children: (Expr | null)[]): E {
    let depth = 0;
    for (const c of children) if (c !== null) depth = Math.max(depth, this.depths.get(c) ?? 1);
    if (depth + 1 > MAX_EXPR_DEPTH) throw this.errorAt(this.peek(), `Expression nested more than ${MAX_EXPR_DEPTH} levels deep`);
    this.depths.set(e, depth + 1);
    return e;
  }

  private isWordToken(t: Token): boolean {
    return t.kind === TokenKind.WORD;
  }

  /** The statement as written, for passthrough. */
  private statementText(): string {
    return this.source.slice(0, this.end).trim();
  }

  private passthrough(): StatementOf<'passthrough'> {
    const verb = this.tokens.find((t) => t.kind === TokenKind.WORD)?.upper ?? '';
    return { kind: 'passthrough', sql: this.statementText(), verb };
  }

  /**
   * Does this SELECT read tables: a top-level FROM other than DUAL, a subquery, or a set operation?
   * (FROM inside TRIM(...), EXTRACT(...) or SUBSTRING(...) does not count.)
   */
  private readsTables(): boolean {
    let depth = 0;
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (t === undefined) break;
      if (t.kind === TokenKind.PUNCT) {
        if (t.value === '(') depth++;
        else if (t.value === ')') depth--;
        continue;
      }
      if (t.kind !== TokenKind.WORD) continue;
      if (t.upper === 'FROM' && depth === 0 && !(this.tokens[i + 1]?.kind === TokenKind.WORD && this.tokens[i + 1]?.upper === 'DUAL')) return true;
      if ((t.upper === 'SELECT' && i > 0) || t.upper === 'UNION' || t.upper === 'EXCEPT' || t.upper === 'INTERSECT') return true;
    }
    return false;
  }

  // --- names -----------------------------------------------------------------------------------

  // Identifier : unreserved word | `quoted identifier`
  private parseIdentifier(what = 'an identifier'): string {
    const t = this.peek();
    if (t.kind === TokenKind.QUOTED_IDENT) {
      this.pos++;
      return t.value;
    }
    if (t.kind === TokenKind.WORD && !isReserved(t.upper)) {
      this.pos++;
      return t.text;
    }
    throw this.unexpected(what);
  }

  // IdentifierAfterDot : word | `quoted identifier`   (reserved words are fine after a dot)
  private parseIdentifierAfterDot(what = 'an identifier'): string {
    const t = this.peek();
    if (t.kind === TokenKind.QUOTED_IDENT || t.kind === TokenKind.WORD) {
      this.pos++;
      return t.kind === TokenKind.WORD ? t.text : t.value;
    }
    throw this.unexpected(what);
  }

  // TableName : Identifier [ . Identifier ]
  private parseTableName(): TableName {
    const first = this.parseIdentifier('a table name');
    if (this.expectOptionalPunct('.')) return { schema: first, name: this.parseIdentifierAfterDot('a table name') };
    return { schema: null, name: first };
  }

  // NameOrString : Identifier | 'string'    (charset and collation names, LIKE-free names)
  private parseNameOrString(what: string): string {
    const t = this.peek();
    if (t.kind === TokenKind.STRING) {
      this.pos++;
      return t.value;
    }
    return this.parseIdentifier(what);
  }

  // CharsetName : word | `quoted` | 'string'   (reserved words too: SET NAMES binary)
  private parseCharsetName(what: string): string {
    const t = this.peek();
    if (t.kind === TokenKind.WORD) {
      this.pos++;
      return t.text.toLowerCase();
    }
    return this.parseNameOrString(what).toLowerCase();
  }

  private parseStringLiteral(what = 'a string'): string {
    const t = this.peek();
    if (t.kind !== TokenKind.STRING) throw this.unexpected(what);
    this.pos++;
    let value = t.value;
    while (this.peek().kind === TokenKind.STRING && this.peek().charset === null) value += this.advance().value;
    return value;
  }

  private parseUnsignedInteger(what = 'an integer'): number {
    const t = this.peek();
    if (t.kind !== TokenKind.NUMBER || !/^\d+$/.test(t.text)) throw this.unexpected(what);
    const n = Number(t.text);
    if (!Number.isSafeInteger(n)) throw this.errorAt(t, `${t.text} is out of range`);
    this.pos++;
    return n;
  }

  // --- statements ----------------------------------------------------------------------------

  // Statement : JobStatement | SessionStatement | CatalogStatement | Select | passthrough
  parseStatement(): Statement {
    const first = this.peek();
    if (first.kind === TokenKind.EOF) throw emptyQueryError();
    if (first.kind === TokenKind.PUNCT && first.value === '(') return this.passthrough();
    if (first.kind !== TokenKind.WORD) throw this.unexpected('a statement');
    let stmt: Statement;
    switch (first.upper) {
      case 'SUBMIT':
        stmt = this.parseSubmitJob();
        break;
      case 'IMPORT':
        if (this.peekKeyword('TABLE', 1)) return this.passthrough();
        stmt = this.parseImportInto();
        break;
      case 'CANCEL':
        stmt = this.parseCancel();
        break;
      case 'PAUSE':
      case 'RESUME':
        stmt = this.parsePauseOrResumeJob();
        break;
      case 'CREATE':
        if (!this.peekKeyword('JOB', 1)) return this.passthrough();
        stmt = this.parseCreateJob();
        break;
      case 'ALTER':
        if (!this.peekKeyword('JOB', 1)) return this.passthrough();
        stmt = this.parseAlterJob();
        break;
      case 'DROP':
        if (!this.peekKeyword('JOB', 1)) return this.passthrough();
        stmt = this.parseDropJob();
        break;
      case 'SHOW':
        stmt = this.parseShow();
        break;
      case 'SET':
        stmt = this.parseSet();
        break;
      case 'USE':
        stmt = this.parseUse();
        break;
      case 'BEGIN':
      case 'START':
        if (first.upper === 'START' && !this.peekKeyword('TRANSACTION', 1)) return this.passthrough();
        stmt = this.parseStartTransaction();
        break;
      case 'COMMIT':
      case 'ROLLBACK': {
        // COMMIT AND CHAIN, ROLLBACK TO SAVEPOINT ...: the target's business.
        this.pos++;
        this.expectOptionalKeyword('WORK');
        if (!this.atEnd()) return this.passthrough();
        return { kind: first.upper === 'COMMIT' ? 'commit' : 'rollback' };
      }
      case 'KILL':
        stmt = this.parseKill();
        break;
      case 'SELECT':
        return this.parseSelectStatement();
      case 'DESCRIBE':
      case 'DESC':
      case 'EXPLAIN':
        stmt = this.parseDescribe();
        break;
      default:
        return this.passthrough();
    }
    if (stmt.kind !== 'passthrough') this.expectEnd();
    return stmt;
  }

  // --- AnalyticDB ----------------------------------------------------------------------------

  // SubmitJob : [/*+ async_job_priority=n */] SUBMIT JOB [alias AS] JobInsert
  private parseSubmitJob(): Statement {
    const hints = [...(this.hints.get(0) ?? []), ...(this.hints.get(1) ?? [])];
    this.expectKeyword('SUBMIT');
    this.expectKeyword('JOB');
    let alias: string | null = null;
    const t = this.peek();
    if (t.kind === TokenKind.STRING || t.kind === TokenKind.QUOTED_IDENT) {
      throw semanticError(
        'ER_WRONG_VALUE',
        `Incorrect SUBMIT JOB alias ${t.text}: write the alias without quotes (letters, digits and underscores, at most ${MAX_ALIAS_LENGTH} characters)`,
      );
    }
    const aliasWord = t.kind === TokenKind.WORD && t.upper !== 'INSERT' && (!isReserved(t.upper) || this.peekKeyword('AS', 1));
    if (aliasWord || (t.kind === TokenKind.NUMBER && /^\d+$/.test(t.text))) {
      if (!/^[A-Za-z0-9_]+$/.test(t.text)) {
        throw semanticError('ER_WRONG_VALUE', `Incorrect SUBMIT JOB alias '${t.text}': only letters, digits and underscores are allowed`);
      }
      if (t.text.length > MAX_ALIAS_LENGTH) {
        throw semanticError('ER_TOO_LONG_IDENT', `Identifier name '${t.text}' is too long (a SUBMIT JOB alias has at most ${MAX_ALIAS_LENGTH} characters)`);
      }
      alias = t.text;
      this.pos++;
      this.expectKeyword('AS');
    }
    const { insert, label } = this.parseJobInsert(true);
    return { kind: 'submitJob', alias, priority: parsePriorityHint(hints), label, insert };
  }

  // ShowJobStatus : SHOW JOB STATUS [WHERE (job_id | job_name) = literal]
  // ShowJobErrors : SHOW JOB ERRORS ('job_id' | n) [LIMIT n]
  private parseShowJobStatus(): Statement {
    this.expectKeyword('JOB');
    if (this.expectOptionalKeyword('ERRORS')) return this.parseShowJobErrors();
    this.expectKeyword('STATUS');
    if (!this.expectOptionalKeyword('WHERE')) return { kind: 'showJobStatus', filter: null };
    const key = this.peek();
    const field = key.kind === TokenKind.WORD || key.kind === TokenKind.QUOTED_IDENT ? key.value.toLowerCase() : '';
    if (field !== 'job_id' && field !== 'job_name') throw this.unexpected('job_id or job_name');
    this.pos++;
    this.expectPunct('=');
    const v = this.peek();
    let value: string;
    if (v.kind === TokenKind.STRING) value = this.parseStringLiteral();
    else if (v.kind === TokenKind.NUMBER && field === 'job_id') value = this.advance().text;
    else throw this.unexpected(`a quoted ${field}`);
    return { kind: 'showJobStatus', filter: { field, value } };
  }

  private parseShowJobErrors(): Statement {
    const t = this.peek();
    let jobId: string;
    if (t.kind === TokenKind.STRING) jobId = this.parseStringLiteral();
    else if (t.kind === TokenKind.NUMBER && /^\d+$/.test(t.text)) jobId = this.advance().text;
    else throw this.unexpected("a job id such as '60001'");
    const limit = this.expectOptionalKeyword('LIMIT') ? this.parseUnsignedInteger('a row count') : null;
    return { kind: 'showJobErrors', jobId, limit };
  }

  // Cancel : CANCEL JOB 'job_id' | CANCEL IMPORT JOB n
  private parseCancel(): Statement {
    this.expectKeyword('CANCEL');
    if (this.expectOptionalKeyword('IMPORT')) {
      this.expectKeyword('JOB');
      return { kind: 'cancelImportJob', jobId: this.parseUnsignedInteger('a job id') };
    }
    this.expectKeyword('JOB');
    const t = this.peek();
    if (t.kind === TokenKind.STRING) return { kind: 'cancelJob', jobId: this.parseStringLiteral() };
    if (t.kind === TokenKind.NUMBER && /^\d+$/.test(t.text)) return { kind: 'cancelJob', jobId: this.advance().text };
    throw this.unexpected("a job id such as '2017112122202917203100908203303000715'");
  }

  // JobInsert : INSERT (INTO | OVERWRITE [INTO | TABLE]) TableName [WITH LABEL label] [( Identifier, ... )] JobQuery
  private parseJobInsert(anyQuery: true): { insert: JobInsert; label: string | null };
  private parseJobInsert(anyQuery: false): { insert: JobInsert<S3Select>; label: string | null };
  private parseJobInsert(anyQuery: boolean): { insert: JobInsert; label: string | null } {
    this.expectKeyword('INSERT');
    let mode: 'into' | 'overwrite' = 'into';
    if (anyQuery && this.expectOptionalKeyword('OVERWRITE')) {
      mode = 'overwrite';
      if (!this.expectOptionalKeyword('INTO')) this.expectOptionalKeyword('TABLE');
    } else {
      this.expectKeyword('INTO');
    }
    const table = this.parseTableName();
    let label: string | null = null;
    if (this.peekKeyword('WITH') && this.peekKeyword('LABEL', 1)) {
      this.pos += 2;
      label = checkLabel(this.parseNameOrString('a label'));
    }
    let columns: string[] | null = null;
    if (this.peekPunct('(') && !this.peekKeyword('SELECT', 1) && !this.peekKeyword('WITH', 1)) {
      this.pos++;
      columns = [];
      if (!this.peekPunct(')')) {
        do columns.push(this.parseIdentifier('a column name'));
        while (this.expectOptionalPunct(','));
      }
      this.expectPunct(')');
    }
    let query: JobQuery;
    if (!anyQuery || this.s3SourceAhead()) query = this.parseS3Select();
    else query = this.parseQuerySql();
    return { insert: { mode, table, columns, query }, label };
  }

  /** Is there a `FROM S3(` at this parenthesis level of the rest of the statement? */
  private s3SourceAhead(): boolean {
    let depth = 0;
    for (let i = this.pos; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (t === undefined) break;
      if (t.kind === TokenKind.PUNCT) {
        if (t.value === '(') depth++;
        else if (t.value === ')') depth--;
      } else if (depth === 0 && t.kind === TokenKind.WORD && t.upper === 'FROM') {
        const fn = this.tokens[i + 1];
        const paren = this.tokens[i + 2];
        if (fn?.kind === TokenKind.WORD && fn.upper === 'S3' && paren?.kind === TokenKind.PUNCT && paren.value === '(') return true;
      }
    }
    return false;
  }

  // QuerySql : (SELECT | WITH | "(") ...   -- any query, run on the target as written
  private parseQuerySql(): JobQuery {
    if (!(this.peekKeyword('SELECT') || this.peekKeyword('WITH') || this.peekPunct('('))) throw this.unexpected('SELECT');
    const start = this.pos;
    let depth = 0;
    while (!this.atEnd()) {
      const t = this.advance();
      if (t.kind === TokenKind.PUNCT && t.value === '(') depth++;
      else if (t.kind === TokenKind.PUNCT && t.value === ')' && --depth < 0) throw this.errorAt(t, 'Unbalanced ")"');
    }
    if (depth !== 0) throw this.unexpected('")"');
    return { kind: 'querySql', sql: renderTokens(this.tokens.slice(start, this.pos)) };
  }

  // S3Select : SELECT SelectList FROM S3 PropertyList [[AS] alias] [WHERE Expr]
  private parseS3Select(): S3Select {
    this.expectKeyword('SELECT');
    const items = this.parseSelectList();
    this.expectKeyword('FROM');
    this.expectKeyword('S3');
    const properties = this.parsePropertyList();
    validateS3Properties(properties);
    const alias = this.parseOptionalAlias();
    const where = this.expectOptionalKeyword('WHERE') ? this.parseExpression() : null;
    return { kind: 's3Select', items, properties, alias, where };
  }

  // PropertyList : "(" [Property ("," Property)*] ")"
  // Property : (string | word[.word]*) "=" (string | number | word)
  private parsePropertyList(): Property[] {
    this.expectPunct('(');
    const props: Property[] = [];
    if (!this.peekPunct(')')) {
      do props.push(this.parseProperty());
      while (this.expectOptionalPunct(','));
    }
    this.expectPunct(')');
    return props;
  }

  private parseProperty(): Property {
    const k = this.peek();
    let key: string;
    // One literal each for key and value: "a" "b" is a missing `=`, not a concatenation.
    if (k.kind === TokenKind.STRING) {
      key = this.advance().value;
    } else if (k.kind === TokenKind.WORD || k.kind === TokenKind.QUOTED_IDENT) {
      key = this.advance().value;
      while (this.peekPunct('.')) {
        this.pos++;
        key += '.' + this.parseIdentifierAfterDot('a property name');
      }
    } else {
      throw this.unexpected('a property name such as "uri"');
    }
    this.expectPunct('=');
    const v = this.peek();
    let value: string;
    if (v.kind === TokenKind.STRING || v.kind === TokenKind.NUMBER || v.kind === TokenKind.WORD) value = this.advance().value;
    else throw this.unexpected(`a value for "${key}"`);
    return { key, value };
  }

  // --- Doris ---------------------------------------------------------------------------------

  // CreateJob : CREATE JOB name ON STREAMING [PROPERTIES PropertyList] [COMMENT 'c']
  //             ( DO JobInsert | FROM (MYSQL | POSTGRES) PropertyList TO DATABASE name [PropertyList] )
  private parseCreateJob(): Statement {
    this.expectKeyword('CREATE');
    this.expectKeyword('JOB');
    const name = this.parseIdentifier('a job name');
    this.expectKeyword('ON');
    if (this.peekKeyword('SCHEDULE')) {
      throw semanticError('ER_NOT_SUPPORTED_YET', 'This version of loadwire doesn\'t yet support \'CREATE JOB ... ON SCHEDULE\'; use ON STREAMING');
    }
    this.expectKeyword('STREAMING');
    let properties: Property[] = [];
    let label: string | null = null;
    if (this.expectOptionalKeyword('PROPERTIES')) ({ properties, label } = validateJobProperties(this.parsePropertyList()));
    const comment = this.expectOptionalKeyword('COMMENT') ? this.parseStringLiteral('a comment string') : null;
    if (this.expectOptionalKeyword('FROM')) {
      const src = this.peek();
      let source: 'MYSQL' | 'POSTGRES';
      if (src.kind === TokenKind.WORD && src.upper === 'MYSQL') source = 'MYSQL';
      else if (src.kind === TokenKind.WORD && (src.upper === 'POSTGRES' || src.upper === 'POSTGRESQL')) source = 'POSTGRES';
      else throw this.unexpected('MYSQL or POSTGRES');
      this.pos++;
      const sourceProperties = this.parsePropertyList();
      checkPropertyDuplicates(sourceProperties, source);
      this.expectKeyword('TO');
      this.expectKeyword('DATABASE');
      const targetDatabase = this.parseIdentifier('a database name');
      const targetProperties = this.peekPunct('(') ? this.parsePropertyList() : [];
      checkPropertyDuplicates(targetProperties, 'TO DATABASE');
      return { kind: 'createSyncJob', name, properties, comment, label, source, sourceProperties, targetDatabase, targetProperties };
    }
    this.expectKeyword('DO');
    const parsed = this.parseJobInsert(false);
    return { kind: 'createJob', name, properties, comment, label: mergeLabels(label, parsed.label), insert: parsed.insert };
  }

  // JobNameFilter : WHERE jobName = ('name' | "name" | name)
  private parseJobNameFilter(): string {
    this.expectKeyword('WHERE');
    const key = this.peek();
    if (!((key.kind === TokenKind.WORD || key.kind === TokenKind.QUOTED_IDENT) && key.value.toLowerCase() === 'jobname')) {
      throw this.unexpected('jobName');
    }
    this.pos++;
    this.expectPunct('=');
    const v = this.peek();
    if (v.kind === TokenKind.STRING) return this.parseStringLiteral();
    if (v.kind === TokenKind.QUOTED_IDENT || (v.kind === TokenKind.WORD && !isReserved(v.upper))) return this.advance().value;
    throw this.unexpected("a job name such as 'my_job'");
  }

  // PauseOrResumeJob : (PAUSE | RESUME) JOB JobNameFilter
  private parsePauseOrResumeJob(): Statement {
    const verb = this.advance().upper;
    this.expectKeyword('JOB');
    const name = this.parseJobNameFilter();
    return verb === 'PAUSE' ? { kind: 'pauseJob', name } : { kind: 'resumeJob', name };
  }

  // DropJob : DROP JOB [IF EXISTS] JobNameFilter
  private parseDropJob(): Statement {
    this.expectKeyword('DROP');
    this.expectKeyword('JOB');
    let ifExists = false;
    if (this.expectOptionalKeyword('IF')) {
      this.expectKeyword('EXISTS');
      ifExists = true;
    }
    return { kind: 'dropJob', name: this.parseJobNameFilter(), ifExists };
  }

  // AlterJob : ALTER JOB name [PROPERTIES PropertyList] [[DO] JobInsert]   -- at least one of them
  private parseAlterJob(): Statement {
    this.expectKeyword('ALTER');
    this.expectKeyword('JOB');
    const name = this.parseIdentifier('a job name');
    let properties: Property[] = [];
    let label: string | null = null;
    const hasProperties = this.expectOptionalKeyword('PROPERTIES');
    if (hasProperties) ({ properties, label } = validateJobProperties(this.parsePropertyList(), { alter: true }));
    let insert: JobInsert<S3Select> | null = null;
    if (this.expectOptionalKeyword('DO') || this.peekKeyword('INSERT')) {
      const parsed = this.parseJobInsert(false);
      insert = parsed.insert;
      label = mergeLabels(label, parsed.label);
    } else if (!hasProperties) {
      throw this.unexpected('PROPERTIES or INSERT');
    }
    return { kind: 'alterJob', name, properties, label, insert };
  }

  // JobsQuery : SELECT [DISTINCT] SelectList FROM (jobs | tasks) "(" [TableFunctionArg, ...] ")" [[AS] alias]
  //             [WHERE Expr] [GROUP BY Expr, ...] [ORDER BY OrderList] [LIMIT Limit]
  private parseJobsQuery(): Statement {
    this.expectKeyword('SELECT');
    const distinct = this.parseSelectOptions();
    const items = this.parseSelectList();
    this.expectKeyword('FROM');
    const fn = this.advance();
    const table = JOB_TABLE_FUNCTIONS[fn.upper];
    if (table === undefined) throw this.unexpected('jobs or tasks', fn);
    this.expectPunct('(');
    const args: TableFunctionArg[] = [];
    if (!this.peekPunct(')')) {
      do args.push(this.parseTableFunctionArg());
      while (this.expectOptionalPunct(','));
    }
    this.expectPunct(')');
    const alias = this.parseOptionalAlias();
    const where = this.expectOptionalKeyword('WHERE') ? this.parseExpression() : null;
    const groupBy: Expr[] = [];
    if (this.expectOptionalKeyword('GROUP')) {
      this.expectKeyword('BY');
      do groupBy.push(this.parseExpression());
      while (this.expectOptionalPunct(','));
    }
    const orderBy = this.parseOptionalOrderBy();
    const limit = this.parseOptionalLimit();
    return { kind: 'jobsQuery', table, args, alias, distinct, items, where, groupBy, orderBy, limit };
  }

  // TableFunctionArg : (string | word) "=" (string | word | number) | string
  private parseTableFunctionArg(): TableFunctionArg {
    const t = this.peek();
    const valueOf = (v: Token): string => {
      if (v.kind === TokenKind.STRING || v.kind === TokenKind.WORD || v.kind === TokenKind.QUOTED_IDENT || v.kind === TokenKind.NUMBER) {
        this.pos++;
        return v.value;
      }
      throw this.unexpected('a value such as "insert"', v);
    };
    if ((t.kind === TokenKind.STRING || t.kind === TokenKind.WORD || t.kind === TokenKind.QUOTED_IDENT) && this.peekPunct('=', 1)) {
      this.pos += 2;
      return { name: t.value.toLowerCase(), value: valueOf(this.peek()) };
    }
    return { name: null, value: valueOf(t) };
  }

  // --- TiDB ----------------------------------------------------------------------------------

  // ImportInto : IMPORT INTO TableName ["(" [ColumnOrUserVar, ...] ")"] [SET Assignment, ...]
  //              FROM 'location' [FORMAT format] [WITH Option, ...]
  private parseImportInto(): Statement {
    this.expectKeyword('IMPORT');
    this.expectKeyword('INTO');
    const table = this.parseTableName();
    let columns: ImportColumn[] | null = null;
    if (this.expectOptionalPunct('(')) {
      columns = [];
      if (!this.peekPunct(')')) {
        do {
          const t = this.peek();
          if (t.kind === TokenKind.USER_VAR) {
            this.pos++;
            columns.push({ kind: 'userVariable', name: t.value });
          } else {
            columns.push({ kind: 'column', name: this.parseIdentifier('a column name or @variable') });
          }
        } while (this.expectOptionalPunct(','));
      }
      this.expectPunct(')');
    }
    const set: ColumnAssignment[] = [];
    if (this.expectOptionalKeyword('SET')) {
      do {
        const column = this.parseIdentifier('a column name');
        this.expectPunct('=');
        set.push({ column, value: this.parseExpression() });
      } while (this.expectOptionalPunct(','));
    }
    this.expectKeyword('FROM');
    // TiDB's grammar takes only a file location here; IMPORT INTO ... FROM SELECT is a syntax error.
    const location = this.parseStringLiteral("a file location such as 's3://bucket/path/*.csv'");
    if (location.trim() === '') throw semanticError('ER_LOAD_DATA_INVALID_URI', 'The URI of data source is invalid. Reason: the file location is empty');
    let format: ImportFormat | null = null;
    if (this.expectOptionalKeyword('FORMAT')) {
      const t = this.peek();
      let name: string;
      if (t.kind === TokenKind.STRING) name = this.parseStringLiteral();
      else if (t.kind === TokenKind.WORD) name = this.advance().text;
      else throw this.unexpected("a format: 'csv', 'sql' or 'parquet'");
      const lower = name.toLowerCase();
      if (lower !== ImportFormat.CSV && lower !== ImportFormat.SQL && lower !== ImportFormat.PARQUET) {
        throw semanticError('ER_LOAD_DATA_UNSUPPORTED_FORMAT', `The FORMAT '${name}' is not supported (expected 'csv', 'sql' or 'parquet')`);
      }
      format = lower;
    }
    const raw: RawOption[] = [];
    if (this.expectOptionalKeyword('WITH')) {
      do raw.push(this.parseImportOption());
      while (this.expectOptionalPunct(','));
    }
    const { options, label } = validateImportOptions(raw, format);
    return { kind: 'importInto', table, columns, set, location, format, options, label };
  }

  // Option : name ["=" SignedLiteral]
  private parseImportOption(): RawOption {
    const t = this.peek();
    if (t.kind !== TokenKind.WORD) throw this.unexpected('an option name such as SKIP_ROWS');
    this.pos++;
    if (!this.expectOptionalPunct('=')) return { name: t.upper, value: null };
    return { name: t.upper, value: this.parseSignedLiteral() };
  }

  // SignedLiteral : string | [+|-] number | TRUE | FALSE | NULL
  private parseSignedLiteral(): OptionLiteral {
    const t = this.peek();
    if (t.kind === TokenKind.STRING) return { kind: 'string', value: this.parseStringLiteral() };
    let sign = '';
    if (this.peekPunct('-') || this.peekPunct('+')) {
      sign = this.advance().value === '-' ? '-' : '';
    }
    const n = this.peek();
    if (n.kind === TokenKind.NUMBER) {
      this.pos++;
      return { kind: 'number', value: sign + n.text };
    }
    if (sign === '' && n.kind === TokenKind.WORD) {
      if (n.upper === 'TRUE' || n.upper === 'FALSE') {
        this.pos++;
        return { kind: 'boolean', value: n.upper === 'TRUE' };
      }
      if (n.upper === 'NULL') {
        this.pos++;
        return { kind: 'null' };
      }
    }
    throw this.unexpected('a literal value');
  }

  // ShowImport : SHOW IMPORT JOBS [ShowFilter] | SHOW IMPORT JOB n
  private parseShowImport(): Statement {
    this.expectKeyword('IMPORT');
    if (this.expectOptionalKeyword('JOBS')) return { kind: 'showImportJobs', filter: this.parseOptionalShowFilter() };
    this.expectKeyword('JOB');
    return { kind: 'showImportJob', jobId: this.parseUnsignedInteger('a job id') };
  }

  // --- session -------------------------------------------------------------------------------

  // Set : SET SetAssignment ("," SetAssignment)* | SET [GLOBAL | SESSION | LOCAL] TRANSACTION ...
  private parseSet(): Statement {
    this.expectKeyword('SET');
    const t = this.peek();
    if (t.kind === TokenKind.WORD) {
      if (t.upper === 'TRANSACTION') return this.parseSetTransaction('next');
      if ((t.upper === 'GLOBAL' || t.upper === 'SESSION' || t.upper === 'LOCAL') && this.peekKeyword('TRANSACTION', 1)) {
        this.pos++;
        return this.parseSetTransaction(t.upper === 'GLOBAL' ? 'global' : 'session');
      }
      // SET PASSWORD / ROLE / DEFAULT ROLE / RESOURCE GROUP / STATEMENT ... FOR: the target's.
      const second = this.peek(1);
      if (
        t.upper === 'PASSWORD' ||
        t.upper === 'ROLE' ||
        (t.upper === 'DEFAULT' && second.kind === TokenKind.WORD && second.upper === 'ROLE') ||
        (t.upper === 'RESOURCE' && second.kind === TokenKind.WORD && second.upper === 'GROUP') ||
        (t.upper === 'STATEMENT' && !(second.kind === TokenKind.PUNCT && (second.value === '=' || second.value === ':=')))
      ) {
        return this.passthrough();
      }
    }
    const assignments: SetAssignment[] = [];
    let scope: VariableScope = 'session';
    do {
      const parsed = this.parseSetAssignment(scope);
      scope = parsed.scope;
      assignments.push(parsed.assignment);
    } while (this.expectOptionalPunct(','));
    return { kind: 'set', assignments };
  }

  // SetAssignment : @var (= | :=) Expr
  //               | [GLOBAL | SESSION | LOCAL | PERSIST | PERSIST_ONLY] name (= | :=) SetValue
  //               | @@[scope.]name (= | :=) SetValue
  //               | NAMES (charset [COLLATE collation] | DEFAULT)
  //               | (CHARACTER SET | CHARSET) (charset | DEFAULT)
  // A scope keyword carries over to the following assignments that have none, as in MySQL.
  private parseSetAssignment(current: VariableScope): { assignment: SetAssignment; scope: VariableScope } {
    const t = this.peek();
    if (t.kind === TokenKind.USER_VAR) {
      this.pos++;
      this.expectAssignOp();
      return { assignment: { kind: 'userVariable', name: t.value, value: this.parseExpression() }, scope: current };
    }
    if (t.kind === TokenKind.SYSTEM_VAR) {
      this.pos++;
      this.expectAssignOp();
      const scope = scopeOfToken(t.scope);
      return { assignment: { kind: 'systemVariable', scope, name: t.value, value: this.parseSetValue() }, scope: current };
    }
    if (t.kind === TokenKind.WORD) {
      if (t.upper === 'NAMES' && !this.peekAssignOp(1)) {
        this.pos++;
        if (this.expectOptionalKeyword('DEFAULT')) return { assignment: { kind: 'names', charset: null, collation: null }, scope: current };
        const charset = this.parseCharsetName('a character set name');
        let collation: string | null = null;
        if (this.expectOptionalKeyword('COLLATE')) {
          collation = this.expectOptionalKeyword('DEFAULT') ? null : this.parseCharsetName('a collation name');
        }
        return { assignment: { kind: 'names', charset, collation }, scope: current };
      }
      if ((t.upper === 'CHARSET' && !this.peekAssignOp(1)) || (t.upper === 'CHARACTER' && this.peekKeyword('SET', 1))) {
        this.pos += t.upper === 'CHARSET' ? 1 : 2;
        const charset = this.expectOptionalKeyword('DEFAULT') ? null : this.parseCharsetName('a character set name');
        return { assignment: { kind: 'characterSet', charset }, scope: current };
      }
      let scope = current;
      const keywordScope = scopeKeyword(t.upper);
      if (keywordScope !== null && !this.peekAssignOp(1)) {
        this.pos++;
        scope = keywordScope;
      }
      let name = this.parseIdentifier('a variable name').toLowerCase();
      if (this.expectOptionalPunct('.')) name += '.' + this.parseIdentifierAfterDot('a variable name').toLowerCase();
      this.expectAssignOp();
      return { assignment: { kind: 'systemVariable', scope, name, value: this.parseSetValue() }, scope };
    }
    throw this.unexpected('a variable name');
  }

  private peekAssignOp(k = 0): boolean {
    return this.peekPunct('=', k) || this.peekPunct(':=', k);
  }

  private expectAssignOp(): void {
    if (!this.expectOptionalPunct('=') && !this.expectOptionalPunct(':=')) throw this.unexpected('"="');
  }

  // SetValue : DEFAULT | ON | BINARY | ALL | SYSTEM | Expr     (bare ON/OFF and other words name a value)
  private parseSetValue(): Expr {
    const t = this.peek();
    const next = this.peek(1);
    const alone = next.kind === TokenKind.EOF || (next.kind === TokenKind.PUNCT && next.value === ',');
    if (t.kind === TokenKind.WORD && alone) {
      if (t.upper === 'DEFAULT') {
        this.pos++;
        return { kind: 'default' };
      }
      if (RESERVED_SET_VALUES.has(t.upper)) {
        this.pos++;
        return { kind: 'column', schema: null, table: null, name: t.upper };
      }
    }
    return this.parseExpression();
  }

  // SetTransaction : TRANSACTION Characteristic ("," Characteristic)*
  // Characteristic : ISOLATION LEVEL Level | READ WRITE | READ ONLY
  private parseSetTransaction(scope: 'next' | 'session' | 'global'): Statement {
    this.expectKeyword('TRANSACTION');
    let isolationLevel: IsolationLevel | null = null;
    let accessMode: AccessMode | null = null;
    do {
      const t = this.peek();
      if (this.expectOptionalKeyword('ISOLATION')) {
        if (isolationLevel !== null) throw this.unexpected('READ WRITE or READ ONLY', t);
        this.expectKeyword('LEVEL');
        isolationLevel = this.parseIsolationLevel();
      } else if (this.peekKeyword('READ')) {
        if (accessMode !== null) throw this.unexpected('ISOLATION LEVEL', t);
        this.pos++;
        accessMode = this.parseAccessModeWord();
      } else {
        throw this.unexpected('ISOLATION LEVEL, READ WRITE or READ ONLY');
      }
    } while (this.expectOptionalPunct(','));
    return { kind: 'setTransaction', scope, isolationLevel, accessMode };
  }

  private parseAccessModeWord(): AccessMode {
    if (this.expectOptionalKeyword('ONLY')) return 'readOnly';
    if (this.expectOptionalKeyword('WRITE')) return 'readWrite';
    throw this.unexpected('ONLY or WRITE');
  }

  // Level : READ UNCOMMITTED | READ COMMITTED | REPEATABLE READ | SERIALIZABLE
  private parseIsolationLevel(): IsolationLevel {
    if (this.expectOptionalKeyword('SERIALIZABLE')) return IsolationLevel.SERIALIZABLE;
    if (this.expectOptionalKeyword('REPEATABLE')) {
      this.expectKeyword('READ');
      return IsolationLevel.REPEATABLE_READ;
    }
    if (this.expectOptionalKeyword('READ')) {
      if (this.expectOptionalKeyword('COMMITTED')) return IsolationLevel.READ_COMMITTED;
      this.expectKeyword('UNCOMMITTED');
      return IsolationLevel.READ_UNCOMMITTED;
    }
    throw this.unexpected('an isolation level');
  }

  // Use : USE Identifier
  private parseUse(): Statement {
    this.expectKeyword('USE');
    return { kind: 'use', database: this.parseIdentifier('a database name') };
  }

  // StartTransaction : BEGIN [WORK] | START TRANSACTION [Mode ("," Mode)*]
  // Mode : WITH CONSISTENT SNAPSHOT | READ ONLY | READ WRITE
  private parseStartTransaction(): Statement {
    if (this.expectOptionalKeyword('BEGIN')) {
      this.expectOptionalKeyword('WORK');
      return { kind: 'startTransaction', accessMode: null, consistentSnapshot: false };
    }
    this.expectKeyword('START');
    this.expectKeyword('TRANSACTION');
    let accessMode: AccessMode | null = null;
    let consistentSnapshot = false;
    if (!this.atEnd()) {
      do {
        const t = this.peek();
        if (this.expectOptionalKeyword('WITH')) {
          if (consistentSnapshot) throw this.unexpected('READ ONLY or READ WRITE', t);
          this.expectKeyword('CONSISTENT');
          this.expectKeyword('SNAPSHOT');
          consistentSnapshot = true;
        } else if (this.expectOptionalKeyword('READ')) {
          if (accessMode !== null) throw this.unexpected('WITH CONSISTENT SNAPSHOT', t);
          accessMode = this.parseAccessModeWord();
        } else {
          throw this.unexpected('WITH CONSISTENT SNAPSHOT, READ ONLY or READ WRITE');
        }
      } while (this.expectOptionalPunct(','));
    }
    return { kind: 'startTransaction', accessMode, consistentSnapshot };
  }

  // Kill : KILL [CONNECTION | QUERY] n
  private parseKill(): Statement {
    this.expectKeyword('KILL');
    let target: 'connection' | 'query' = 'connection';
    if (this.expectOptionalKeyword('QUERY')) target = 'query';
    else this.expectOptionalKeyword('CONNECTION');
    return { kind: 'kill', target, id: this.parseUnsignedInteger('a connection id') };
  }

  // Show : SHOW ( JOB STATUS ... | IMPORT ... | [GLOBAL | SESSION | LOCAL] (VARIABLES | STATUS) [ShowFilter]
  //        | WARNINGS | ERRORS | COUNT(*) (WARNINGS | ERRORS) | DATABASES | SCHEMAS | CHARACTER SET | CHARSET
  //        | COLLATION | [STORAGE] ENGINES | [FULL] PROCESSLIST | GRANTS [FOR user] | CREATE DATABASE ...
  //        | CREATE TABLE ... | [FULL] TABLES ... | [FULL] COLUMNS ... | INDEX ... | TABLE STATUS ... )
  private parseShow(): Statement {
    this.expectKeyword('SHOW');
    const t = this.peek();
    if (t.kind !== TokenKind.WORD) return this.passthrough();
    switch (t.upper) {
      case 'JOB':
        return this.parseShowJobStatus();
      case 'IMPORT':
        return this.parseShowImport();
      case 'GLOBAL':
      case 'SESSION':
      case 'LOCAL': {
        if (!this.peekKeyword('VARIABLES', 1) && !this.peekKeyword('STATUS', 1)) return this.passthrough();
        this.pos++;
        return this.parseShowVariablesOrStatus(t.upper === 'GLOBAL' ? 'global' : 'session');
      }
      case 'VARIABLES':
      case 'STATUS':
        return this.parseShowVariablesOrStatus('session');
      case 'WARNINGS':
      case 'ERRORS': {
        this.pos++;
        const which = t.upper === 'WARNINGS' ? 'warnings' : 'errors';
        return { kind: 'showWarnings', which, limit: this.parseOptionalLimit() };
      }
      case 'COUNT': {
        this.pos++;
        this.expectPunct('(');
        this.expectPunct('*');
        this.expectPunct(')');
        if (this.expectOptionalKeyword('WARNINGS')) return { kind: 'showWarningCount', which: 'warnings' };
        this.expectKeyword('ERRORS');
        return { kind: 'showWarningCount', which: 'errors' };
      }
      case 'DATABASES':
      case 'SCHEMAS':
        this.pos++;
        return { kind: 'showDatabases', filter: this.parseOptionalShowFilter() };
      case 'CHARSET':
        this.pos++;
        return { kind: 'showCharset', filter: this.parseOptionalShowFilter() };
      case 'CHARACTER':
        this.pos++;
        this.expectKeyword('SET');
        return { kind: 'showCharset', filter: this.parseOptionalShowFilter() };
      case 'COLLATION':
        this.pos++;
        return { kind: 'showCollation', filter: this.parseOptionalShowFilter() };
      case 'STORAGE':
        if (!this.peekKeyword('ENGINES', 1)) return this.passthrough();
        this.pos += 2;
        return { kind: 'showEngines' };
      case 'ENGINES':
        this.pos++;
        return { kind: 'showEngines' };
      case 'PROCESSLIST':
        this.pos++;
        return { kind: 'showProcesslist', full: false };
      case 'GRANTS':
        this.pos++;
        return { kind: 'showGrants', user: this.parseOptionalGrantUser() };
      case 'CREATE':
        if (this.peekKeyword('DATABASE', 1) || this.peekKeyword('SCHEMA', 1)) return this.parseShowCreateDatabase();
        if (this.peekKeyword('TABLE', 1)) {
          this.pos += 2;
          return { kind: 'showCreateTable', table: this.parseTableName() };
        }
        return this.passthrough();
      case 'FULL': {
        const next = this.peek(1);
        if (next.kind !== TokenKind.WORD) return this.passthrough();
        if (next.upper === 'PROCESSLIST') {
          this.pos += 2;
          return { kind: 'showProcesslist', full: true };
        }
        if (next.upper === 'TABLES') {
          this.pos++;
          return this.parseShowTables(true);
        }
        if (next.upper === 'COLUMNS' || next.upper === 'FIELDS') {
          this.pos++;
          return this.parseShowColumns(true);
        }
        return this.passthrough();
      }
      case 'TABLES':
        return this.parseShowTables(false);
      case 'EXTENDED': {
        const next = this.peek(1);
        if (next.kind !== TokenKind.WORD) return this.passthrough();
        if (next.upper === 'FULL' && (this.peekKeyword('COLUMNS', 2) || this.peekKeyword('FIELDS', 2))) {
          this.pos += 2;
          return this.parseShowColumns(true);
        }
        if (next.upper === 'COLUMNS' || next.upper === 'FIELDS') {
          this.pos++;
          return this.parseShowColumns(false);
        }
        if (next.upper === 'INDEX' || next.upper === 'INDEXES' || next.upper === 'KEYS') {
          this.pos++;
          return this.parseShowIndex();
        }
        return this.passthrough();
      }
      case 'COLUMNS':
      case 'FIELDS':
        return this.parseShowColumns(false);
      case 'INDEX':
      case 'INDEXES':
      case 'KEYS':
        return this.parseShowIndex();
      case 'TABLE':
        if (!this.peekKeyword('STATUS', 1)) return this.passthrough();
        this.pos += 2;
        return { kind: 'showTableStatus', database: this.parseOptionalFromDatabase(), filter: this.parseOptionalShowFilter() };
      default:
        return this.passthrough();
    }
  }

  private parseShowVariablesOrStatus(scope: 'session' | 'global'): Statement {
    const which = this.advance().upper;
    const filter = this.parseOptionalShowFilter();
    return which === 'VARIABLES' ? { kind: 'showVariables', scope, filter } : { kind: 'showStatus', scope, filter };
  }

  // ShowFilter : LIKE 'pattern' | WHERE Expr
  private parseOptionalShowFilter(): ShowFilter | null {
    if (this.expectOptionalKeyword('LIKE')) return { kind: 'like', pattern: this.parseStringLiteral('a LIKE pattern string') };
    if (this.expectOptionalKeyword('WHERE')) return { kind: 'where', expr: this.parseExpression() };
    return null;
  }

  // FromDatabase : (FROM | IN) Identifier
  private parseOptionalFromDatabase(): string | null {
    if (this.expectOptionalKeyword('FROM') || this.expectOptionalKeyword('IN')) return this.parseIdentifier('a database name');
    return null;
  }

  // GrantUser : FOR (CURRENT_USER [()] | user [@host])
  private parseOptionalGrantUser(): GrantUser | null {
    if (!this.expectOptionalKeyword('FOR')) return null;
    if (this.expectOptionalKeyword('CURRENT_USER')) {
      if (this.expectOptionalPunct('(')) this.expectPunct(')');
      return null;
    }
    const user = this.parseNameOrString('a user name');
    const h = this.peek();
    // 'u'@'h' lexes as a string followed by a quoted user variable; u@h as a word and a variable.
    if (h.kind === TokenKind.USER_VAR && !h.spaceBefore) {
      this.pos++;
      return { user, host: h.text.startsWith("@'") || h.text.startsWith('@"') || h.text.startsWith('@`') ? h.text.slice(2, -1) : h.text.slice(1) };
    }
    if (this.expectOptionalPunct('@')) return { user, host: this.parseNameOrString('a host name') };
    return { user, host: null };
  }

  // ShowCreateDatabase : SHOW CREATE (DATABASE | SCHEMA) [IF NOT EXISTS] Identifier
  private parseShowCreateDatabase(): Statement {
    this.pos += 2;
    let ifNotExists = false;
    if (this.expectOptionalKeyword('IF')) {
      this.expectKeyword('NOT');
      this.expectKeyword('EXISTS');
      ifNotExists = true;
    }
    return { kind: 'showCreateDatabase', database: this.parseIdentifier('a database name'), ifNotExists };
  }

  // ShowTables : SHOW [FULL] TABLES [FromDatabase] [ShowFilter]
  private parseShowTables(full: boolean): Statement {
    this.expectKeyword('TABLES');
    return { kind: 'showTables', full, database: this.parseOptionalFromDatabase(), filter: this.parseOptionalShowFilter() };
  }

  // ShowColumns : SHOW [EXTENDED] [FULL] (COLUMNS | FIELDS) (FROM | IN) TableName [FromDatabase] [ShowFilter]
  private parseShowColumns(full: boolean): Statement {
    this.advance();
    if (!this.expectOptionalKeyword('FROM')) this.expectKeyword('IN');
    const table = this.parseTableNameWithDatabase();
    return { kind: 'showColumns', full, table, filter: this.parseOptionalShowFilter() };
  }

  // ShowIndex : SHOW [EXTENDED] (INDEX | INDEXES | KEYS) (FROM | IN) TableName [FromDatabase] [WHERE Expr]
  private parseShowIndex(): Statement {
    this.advance();
    if (!this.expectOptionalKeyword('FROM')) this.expectKeyword('IN');
    const table = this.parseTableNameWithDatabase();
    return { kind: 'showIndex', table, where: this.expectOptionalKeyword('WHERE') ? this.parseExpression() : null };
  }

  /** `t FROM db` means `db.t`; the FROM database wins over a qualifier, as in MySQL. */
  private parseTableNameWithDatabase(): TableName {
    const table = this.parseTableName();
    const database = this.parseOptionalFromDatabase();
    return database === null ? table : { schema: database, name: table.name };
  }

  // Describe : (DESCRIBE | DESC | EXPLAIN) TableName [Identifier | 'pattern']
  // EXPLAIN/DESCRIBE of a statement (SELECT, FORMAT=..., ANALYZE, ...) runs on the target.
  private parseDescribe(): Statement {
    this.advance();
    const t = this.peek();
    if (
      (t.kind === TokenKind.PUNCT && t.value === '(') ||
      (t.kind === TokenKind.WORD &&
        ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'TABLE', 'WITH', 'VALUES', 'FORMAT', 'ANALYZE', 'FOR', 'EXTENDED', 'PARTITIONS'].includes(t.upper))
    ) {
      return this.passthrough();
    }
    const table = this.parseTableName();
    let column: string | null = null;
    const c = this.peek();
    if (c.kind === TokenKind.STRING) column = this.parseStringLiteral();
    else if (!this.atEnd()) column = this.parseIdentifier('a column name or pattern');
    return { kind: 'describe', table, column };
  }

  // --- SELECT --------------------------------------------------------------------------------

  // SelectStatement : JobsQuery | LocalSelect | passthrough
  private parseSelectStatement(): Statement {
    if (this.jobsFunctionAhead()) {
      const stmt = this.parseJobsQuery();
      this.expectEnd();
      return stmt;
    }
    // A query on real tables is the target's; deciding that first spares parsing its select list.
    if (this.readsTables()) return this.passthrough();
    try {
      return this.parseLocalSelect();
    } catch (e) {
      // A query on real tables is the target's to judge, even when its expressions are beyond us.
      if (e instanceof SqlSyntaxError && this.readsTables()) return this.passthrough();
      throw e;
    }
  }

  /** `FROM jobs(` / `FROM tasks(` at the top level of the statement. */
  private jobsFunctionAhead(): boolean {
    let depth = 0;
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (t === undefined) break;
      if (t.kind === TokenKind.PUNCT) {
        if (t.value === '(') depth++;
        else if (t.value === ')') depth--;
      } else if (depth === 0 && t.kind === TokenKind.WORD && t.upper === 'FROM') {
        const fn = this.tokens[i + 1];
        const paren = this.tokens[i + 2];
        return fn?.kind === TokenKind.WORD && JOB_TABLE_FUNCTIONS[fn.upper] !== undefined && paren?.kind === TokenKind.PUNCT && paren.value === '(';
      }
    }
    return false;
  }

  // LocalSelect : SELECT [SelectOptions] SelectList [FROM DUAL] [WHERE Expr] [ORDER BY OrderList] [LIMIT Limit]
  private parseLocalSelect(): Statement {
    this.expectKeyword('SELECT');
    const distinct = this.parseSelectOptions();
    const items = this.parseSelectList();
    if (this.expectOptionalKeyword('FROM')) {
      if (!this.expectOptionalKeyword('DUAL')) return this.passthrough();
    }
    const where = this.expectOptionalKeyword('WHERE') ? this.parseExpression() : null;
    const orderBy = this.parseOptionalOrderBy();
    const limit = this.parseOptionalLimit();
    if (this.peekKeyword('UNION') || this.peekKeyword('EXCEPT') || this.peekKeyword('INTERSECT')) return this.passthrough();
    this.expectEnd();
    return { kind: 'select', distinct, items, where, orderBy, limit };
  }

  // SelectOptions : (DISTINCT | ALL | DISTINCTROW | HIGH_PRIORITY | SQL_NO_CACHE | ...)*
  private parseSelectOptions(): boolean {
    let distinct = false;
    for (;;) {
      const t = this.peek();
      if (t.kind !== TokenKind.WORD) return distinct;
      if (t.upper === 'DISTINCT' || t.upper === 'DISTINCTROW') distinct = true;
      else if (!SELECT_OPTIONS.has(t.upper)) return distinct;
      this.pos++;
    }
  }

  // SelectList : SelectItem ("," SelectItem)*
  private parseSelectList(): SelectItem[] {
    const items: SelectItem[] = [];
    do items.push(this.parseSelectItem());
    while (this.expectOptionalPunct(','));
    return items;
  }

  // SelectItem : "*" | Expr [[AS] alias]
  private parseSelectItem(): SelectItem {
    if (this.expectOptionalPunct('*')) return { expr: { kind: 'star', schema: null, table: null }, alias: null };
    const expr = this.parseExpression();
    return { expr, alias: expr.kind === 'star' ? null : this.parseOptionalAlias() };
  }

  // Alias : AS (Identifier | 'string') | unreserved word | `quoted` | 'string'
  private parseOptionalAlias(): string | null {
    const t = this.peek();
    if (this.expectOptionalKeyword('AS')) {
      const a = this.peek();
      if (a.kind === TokenKind.STRING) return this.parseStringLiteral();
      return this.parseIdentifier('an alias');
    }
    if (t.kind === TokenKind.QUOTED_IDENT) {
      this.pos++;
      return t.value;
    }
    if (t.kind === TokenKind.STRING) return this.parseStringLiteral();
    if (t.kind === TokenKind.WORD && !isReserved(t.upper)) {
      this.pos++;
      return t.text;
    }
    return null;
  }

  // OrderList : ORDER BY Expr [ASC | DESC] ("," Expr [ASC | DESC])*
  private parseOptionalOrderBy(): OrderItem[] {
    if (!this.expectOptionalKeyword('ORDER')) return [];
    this.expectKeyword('BY');
    const items: OrderItem[] = [];
    do {
      const expr = this.parseExpression();
      let direction: 'ASC' | 'DESC' | null = null;
      if (this.expectOptionalKeyword('ASC')) direction = 'ASC';
      else if (this.expectOptionalKeyword('DESC')) direction = 'DESC';
      items.push({ expr, direction });
    } while (this.expectOptionalPunct(','));
    return items;
  }

  // Limit : LIMIT count [OFFSET offset] | LIMIT offset "," count
  private parseOptionalLimit(): Limit | null {
    if (!this.expectOptionalKeyword('LIMIT')) return null;
    const first = this.parseUnsignedInteger('a row count');
    if (this.expectOptionalPunct(',')) return { count: this.parseUnsignedInteger('a row count'), offset: first };
    if (this.expectOptionalKeyword('OFFSET')) return { count: first, offset: this.parseUnsignedInteger('an offset') };
    return { count: first, offset: null };
  }

  // --- expressions (https://dev.mysql.com/doc/refman/8.0/en/operator-precedence.html) ---------

  // Expression : Or
  parseExpression(): Expr {
    this.enter();
    const e = this.parseOr();
    this.leave();
    return e;
  }

  private binary(op: BinaryOp, left: Expr, right: Expr): Expr {
    return this.node({ kind: 'binary', op, left, right }, left, right);
  }

  // Or : Xor ((OR | "||") Xor)*
  private parseOr(): Expr {
    let left = this.parseXor();
    while (this.peekKeyword('OR') || this.peekPunct('||')) {
      this.pos++;
      left = this.binary(BinaryOp.OR, left, this.parseXor());
    }
    return left;
  }

  // Xor : And (XOR And)*
  private parseXor(): Expr {
    let left = this.parseAnd();
    while (this.expectOptionalKeyword('XOR')) left = this.binary(BinaryOp.XOR, left, this.parseAnd());
    return left;
  }

  // And : Not ((AND | "&&") Not)*
  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.peekKeyword('AND') || this.peekPunct('&&')) {
      this.pos++;
      left = this.binary(BinaryOp.AND, left, this.parseNot());
    }
    return left;
  }

  // Not : NOT Not | Comparison
  private parseNot(): Expr {
    if (!this.peekKeyword('NOT')) return this.parseComparison();
    this.pos++;
    this.enter();
    const operand = this.parseNot();
    this.leave();
    return this.node({ kind: 'unary', op: 'NOT', operand }, operand);
  }

  // Comparison : Predicate (CompOp Predicate | IS [NOT] (NULL | TRUE | FALSE | UNKNOWN))*
  private parseComparison(): Expr {
    let left = this.parsePredicate();
    for (;;) {
      const t = this.peek();
      const op = t.kind === TokenKind.PUNCT ? COMPARISON_OPS[t.value] : undefined;
      if (op !== undefined) {
        this.pos++;
        const right = this.parsePredicate();
        left = this.binary(op, left, right);
      } else if (t.kind === TokenKind.WORD && t.upper === 'IS') {
        this.pos++;
        const not = this.expectOptionalKeyword('NOT');
        const v = this.peek();
        if (!(v.kind === TokenKind.WORD && (v.upper === 'NULL' || v.upper === 'TRUE' || v.upper === 'FALSE' || v.upper === 'UNKNOWN'))) {
          throw this.unexpected('NULL, TRUE, FALSE or UNKNOWN');
        }
        this.pos++;
        left = this.node({ kind: 'is', expr: left, not, value: v.upper }, left);
      } else {
        return left;
      }
    }
  }

  // Predicate : BitOr [NOT] IN "(" Expr, ... ")" | BitOr [NOT] BETWEEN BitOr AND BitOr
  //           | BitOr [NOT] LIKE BitOr [ESCAPE Primary] | BitOr [NOT] (REGEXP | RLIKE) BitOr | BitOr
  private parsePredicate(): Expr {
    const left = this.parseBitOr();
    let not = false;
    if (this.peekKeyword('NOT')) {
      const n = this.peek(1);
      if (!(n.kind === TokenKind.WORD && ['IN', 'BETWEEN', 'LIKE', 'REGEXP', 'RLIKE'].includes(n.upper))) return left;
      this.pos++;
      not = true;
    }
    const t = this.peek();
    if (t.kind !== TokenKind.WORD) return left;
    switch (t.upper) {
      case 'IN': {
        this.pos++;
        this.expectPunct('(');
        if (this.peekKeyword('SELECT') || this.peekKeyword('WITH')) throw this.unexpected('an expression (subqueries are not supported here)');
        const list: Expr[] = [];
        do list.push(this.parseExpression());
        while (this.expectOptionalPunct(','));
        this.expectPunct(')');
        return this.node({ kind: 'in', expr: left, not, list }, left, ...list);
      }
      case 'BETWEEN': {
        this.pos++;
        const low = this.parseBitOr();
        this.expectKeyword('AND');
        const high = this.parseBitOr();
        return this.node({ kind: 'between', expr: left, not, low, high }, left, low, high);
      }
      case 'LIKE': {
        this.pos++;
        const pattern = this.parseBitOr();
        const escape = this.expectOptionalKeyword('ESCAPE') ? this.parseUnary() : null;
        return this.node({ kind: 'like', expr: left, not, pattern, escape }, left, pattern, escape);
      }
      case 'REGEXP':
      case 'RLIKE': {
        this.pos++;
        const pattern = this.parseBitOr();
        return this.node({ kind: 'regexp', expr: left, not, pattern }, left, pattern);
      }
      default:
        if (not) throw this.unexpected('IN, BETWEEN, LIKE or REGEXP');
        return left;
    }
  }

  // BitOr : BitAnd ("|" BitAnd)*
  private parseBitOr(): Expr {
    let left = this.parseBitAnd();
    while (this.expectOptionalPunct('|')) left = this.binary(BinaryOp.BIT_OR, left, this.parseBitAnd());
    return left;
  }

  // BitAnd : Shift ("&" Shift)*
  private parseBitAnd(): Expr {
    let left = this.parseShift();
    while (this.expectOptionalPunct('&')) left = this.binary(BinaryOp.BIT_AND, left, this.parseShift());
    return left;
  }

  // Shift : Additive (("<<" | ">>") Additive)*
  private parseShift(): Expr {
    let left = this.parseAdditive();
    for (;;) {
      if (this.expectOptionalPunct('<<')) left = this.binary(BinaryOp.SHIFT_LEFT, left, this.parseAdditive());
      else if (this.expectOptionalPunct('>>')) left = this.binary(BinaryOp.SHIFT_RIGHT, left, this.parseAdditive());
      else return left;
    }
  }

  // Additive : Multiplicative (("+" | "-") Multiplicative)*     (INTERVAL operands are primaries)
  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (;;) {
      if (this.expectOptionalPunct('+')) left = this.binary(BinaryOp.PLUS, left, this.parseMultiplicative());
      else if (this.expectOptionalPunct('-')) left = this.binary(BinaryOp.MINUS, left, this.parseMultiplicative());
      else return left;
    }
  }

  // Multiplicative : BitXor (("*" | "/" | "%" | DIV | MOD) BitXor)*
  private parseMultiplicative(): Expr {
    let left = this.parseBitXor();
    for (;;) {
      const t = this.peek();
      let op: BinaryOp | null = null;
      if (t.kind === TokenKind.PUNCT) {
        if (t.value === '*') op = BinaryOp.MULTIPLY;
        else if (t.value === '/') op = BinaryOp.DIVIDE;
        else if (t.value === '%') op = BinaryOp.MOD;
      } else if (t.kind === TokenKind.WORD) {
        if (t.upper === 'DIV') op = BinaryOp.INT_DIVIDE;
        else if (t.upper === 'MOD') op = BinaryOp.MOD;
      }
      if (op === null) return left;
      this.pos++;
      left = this.binary(op, left, this.parseBitXor());
    }
  }

  // BitXor : Unary ("^" Unary)*
  private parseBitXor(): Expr {
    let left = this.parseUnary();
    while (this.expectOptionalPunct('^')) left = this.binary(BinaryOp.BIT_XOR, left, this.parseUnary());
    return left;
  }

  // Unary : ("-" | "+" | "~" | "!" | BINARY) Unary | Collate
  private parseUnary(): Expr {
    const t = this.peek();
    let op: '-' | '+' | '~' | '!' | 'BINARY' | null = null;
    if (t.kind === TokenKind.PUNCT && (t.value === '-' || t.value === '+' || t.value === '~' || t.value === '!')) op = t.value;
    else if (t.kind === TokenKind.WORD && t.upper === 'BINARY' && !this.peekPunct('(', 1)) op = 'BINARY';
    if (op === null) return this.parseCollate();
    this.pos++;
    this.enter();
    const operand = this.parseUnary();
    this.leave();
    return this.node({ kind: 'unary', op, operand }, operand);
  }

  // Collate : Primary (COLLATE (Identifier | 'string'))*
  private parseCollate(): Expr {
    let e = this.parsePrimary();
    while (this.expectOptionalKeyword('COLLATE')) {
      e = this.node({ kind: 'collate', expr: e, collation: this.parseCharsetName('a collation name') }, e);
    }
    return e;
  }

  // Primary : Literal | ColumnRef | Variable | "?" | "(" Expr ["," Expr]* ")" | CASE ... | CAST ... | CONVERT ...
  //         | INTERVAL Expr Unit | EXTRACT ... | TRIM ... | SUBSTRING ... | FunctionCall
  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case TokenKind.STRING: {
        this.pos++;
        let value = t.value;
        // Adjacent string literals are concatenated ('a' 'b' = 'ab').
        while (this.peek().kind === TokenKind.STRING && this.peek().charset === null) value += this.advance().value;
        return { kind: 'string', value, charset: t.charset };
      }
      case TokenKind.NUMBER:
        this.pos++;
        return { kind: 'number', value: t.text };
      case TokenKind.HEX:
        this.pos++;
        return { kind: 'hex', value: t.value };
      case TokenKind.BITS:
        this.pos++;
        return { kind: 'bits', value: t.value };
      case TokenKind.USER_VAR:
        this.pos++;
        return { kind: 'userVariable', name: t.value };
      case TokenKind.SYSTEM_VAR:
        this.pos++;
        return { kind: 'systemVariable', scope: t.scope === null ? null : t.scope === 'global' ? 'global' : 'session', name: t.value };
      case TokenKind.PARAM:
        this.pos++;
        return { kind: 'param', index: this.params++ };
      case TokenKind.PUNCT:
        if (t.value === '(') return this.parseParenthesized();
        throw this.unexpected('an expression');
      case TokenKind.QUOTED_IDENT:
        return this.parseNameExpression();
      case TokenKind.WORD:
        return this.parseWordExpression(t);
      case TokenKind.HINT:
      case TokenKind.EOF:
        throw this.unexpected('an expression');
    }
  }

  // Parenthesized : "(" Expr ")" | "(" Expr ("," Expr)+ ")"
  private parseParenthesized(): Expr {
    this.expectPunct('(');
    if (this.peekKeyword('SELECT') || this.peekKeyword('WITH')) throw this.unexpected('an expression (subqueries are not supported here)');
    const first = this.parseExpression();
    if (!this.peekPunct(',')) {
      this.expectPunct(')');
      return first;
    }
    const items = [first];
    while (this.expectOptionalPunct(',')) items.push(this.parseExpression());
    this.expectPunct(')');
    return this.node({ kind: 'row', items }, ...items);
  }

  private parseWordExpression(t: Token): Expr {
    const next = this.peek(1);
    const call = next.kind === TokenKind.PUNCT && next.value === '(';
    switch (t.upper) {
      case 'NULL':
        this.pos++;
        return { kind: 'null' };
      case 'TRUE':
      case 'FALSE':
        this.pos++;
        return { kind: 'boolean', value: t.upper === 'TRUE' };
      case 'DATE':
      case 'TIME':
      case 'TIMESTAMP':
        if (next.kind === TokenKind.STRING) {
          this.pos++;
          return { kind: 'temporal', type: t.upper, value: this.parseStringLiteral() };
        }
        break;
      case 'CASE':
        return this.parseCase();
      case 'CAST':
        if (call) return this.parseCast();
        break;
      case 'CONVERT':
        if (call) return this.parseConvert();
        break;
      case 'INTERVAL':
        return this.parseInterval();
      case 'EXTRACT':
        if (call) return this.parseExtract();
        break;
      case 'TRIM':
        if (call) return this.parseTrim();
        break;
      case 'SUBSTRING':
      case 'SUBSTR':
        if (call) return this.parseSubstring(t.upper);
        break;
      case 'EXISTS':
        throw this.unexpected('an expression (subqueries are not supported here)');
      default:
        break;
    }
    if (call) {
      if (isReserved(t.upper) && !RESERVED_FUNCTION_NAMES.has(t.upper)) throw this.unexpected('an expression');
      this.pos++;
      return this.parseFunctionArgs(null, t.upper);
    }
    if (NILADIC_FUNCTIONS.has(t.upper)) {
      this.pos++;
      return { kind: 'function', schema: null, name: t.upper, distinct: false, args: [] };
    }
    if (isReserved(t.upper)) throw this.unexpected('an expression');
    return this.parseNameExpression();
  }

  // NameExpression : name ["." name ["." name]] ["." "*"] | name "." name "(" args ")"
  private parseNameExpression(): Expr {
    const parts: string[] = [this.parseIdentifierAfterDot()];
    while (this.peekPunct('.')) {
      this.pos++;
      if (this.expectOptionalPunct('*')) {
        if (parts.length > 2) throw this.unexpected('an identifier');
        return parts.length === 1 ? { kind: 'star', schema: null, table: parts[0] ?? null } : { kind: 'star', schema: parts[0] ?? null, table: parts[1] ?? null };
      }
      parts.push(this.parseIdentifierAfterDot('a column name'));
      if (parts.length > 3) throw this.unexpected('an expression', this.tokens[this.pos - 1]);
    }
    if (parts.length === 2 && this.peekPunct('(')) return this.parseFunctionArgs(parts[0] ?? null, (parts[1] ?? '').toUpperCase());
    const name = parts[parts.length - 1] ?? '';
    if (parts.length === 1) {
      if (this.peekPunct('(')) return this.parseFunctionArgs(null, name.toUpperCase());
      return { kind: 'column', schema: null, table: null, name };
    }
    if (parts.length === 2) return { kind: 'column', schema: null, table: parts[0] ?? null, name };
    return { kind: 'column', schema: parts[0] ?? null, table: parts[1] ?? null, name };
  }

  // FunctionArgs : "(" [DISTINCT | ALL] ["*" | Expr ("," Expr)*] ")"
  private parseFunctionArgs(schema: string | null, name: string): Expr {
    this.expectPunct('(');
    this.enter();
    let distinct = false;
    if (this.expectOptionalKeyword('DISTINCT')) distinct = true;
    else this.expectOptionalKeyword('ALL');
    const args: Expr[] = [];
    if (this.expectOptionalPunct('*')) {
      args.push({ kind: 'star', schema: null, table: null });
    } else if (!this.peekPunct(')')) {
      do args.push(this.parseExpression());
      while (this.expectOptionalPunct(','));
    }
    this.expectPunct(')');
    this.leave();
    if (name === 'INTERVAL' && args.length === 1 && this.peekIntervalUnit()) {
      // INTERVAL (expr) unit, not the INTERVAL(N, N1, ...) function.
      const value = args[0] ?? { kind: 'null' };
      return this.node({ kind: 'interval', value, unit: this.parseIntervalUnit() }, value);
    }
    return this.node({ kind: 'function', schema, name, distinct, args }, ...args);
  }

  // Case : CASE [Expr] (WHEN Expr THEN Expr)+ [ELSE Expr] END
  private parseCase(): Expr {
    this.expectKeyword('CASE');
    this.enter();
    const operand = this.peekKeyword('WHEN') ? null : this.parseExpression();
    const whens: { when: Expr; then: Expr }[] = [];
    const children: Expr[] = operand === null ? [] : [operand];
    do {
      this.expectKeyword('WHEN');
      const when = this.parseExpression();
      this.expectKeyword('THEN');
      const then = this.parseExpression();
      whens.push({ when, then });
      children.push(when, then);
    } while (this.peekKeyword('WHEN'));
    const otherwise = this.expectOptionalKeyword('ELSE') ? this.parseExpression() : null;
    this.expectKeyword('END');
    this.leave();
    return this.node({ kind: 'case', operand, whens, else: otherwise }, otherwise, ...children);
  }

  // Cast : CAST "(" Expr AS CastType ")"
  private parseCast(): Expr {
    this.expectKeyword('CAST');
    this.expectPunct('(');
    this.enter();
    const expr = this.parseExpression();
    this.expectKeyword('AS');
    const type = this.parseCastType();
    this.expectPunct(')');
    this.leave();
    return this.node({ kind: 'cast', expr, type }, expr);
  }

  // Convert : CONVERT "(" Expr "," CastType ")" | CONVERT "(" Expr USING charset ")"
  private parseConvert(): Expr {
    this.expectKeyword('CONVERT');
    this.expectPunct('(');
    this.enter();
    const expr = this.parseExpression();
    let result: Expr;
    if (this.expectOptionalKeyword('USING')) {
      result = this.node({ kind: 'convertUsing', expr, charset: this.parseCharsetName('a character set name') }, expr);
    } else {
      this.expectPunct(',');
      result = this.node({ kind: 'cast', expr, type: this.parseCastType() }, expr);
    }
    this.expectPunct(')');
    this.leave();
    return result;
  }

  // CastType : BINARY [(n)] | CHAR [(n)] [CHARACTER SET cs | CHARSET cs] | NCHAR [(n)] | DATE | DATETIME [(n)]
  //          | TIME [(n)] | YEAR | DECIMAL [(m[,d])] | SIGNED [INT | INTEGER] | UNSIGNED [INT | INTEGER]
  //          | JSON | DOUBLE | FLOAT [(n)] | REAL
  private parseCastType(): CastType {
    const t = this.peek();
    const name = t.kind === TokenKind.WORD ? t.upper : '';
    if (!(name in CastTypeName)) throw this.unexpected('a cast type such as CHAR, SIGNED or DECIMAL');
    this.pos++;
    const typeName = name as CastTypeName;
    let length: number | null = null;
    let scale: number | null = null;
    let charset: string | null = null;
    const takesLength = ['BINARY', 'CHAR', 'NCHAR', 'DATETIME', 'TIME', 'DECIMAL', 'FLOAT'].includes(typeName);
    if (takesLength && this.expectOptionalPunct('(')) {
      length = this.parseUnsignedInteger('a length');
      if (typeName === 'DECIMAL' && this.expectOptionalPunct(',')) scale = this.parseUnsignedInteger('a scale');
      this.expectPunct(')');
    }
    if (typeName === 'SIGNED' || typeName === 'UNSIGNED') {
      if (!this.expectOptionalKeyword('INTEGER')) this.expectOptionalKeyword('INT');
    }
    if (typeName === 'CHAR') {
      if (this.peekKeyword('CHARACTER') && this.peekKeyword('SET', 1)) {
        this.pos += 2;
        charset = this.parseCharsetName('a character set name');
      } else if (this.expectOptionalKeyword('CHARSET')) {
        charset = this.parseCharsetName('a character set name');
      }
    }
    return { name: typeName, length, scale, charset };
  }

  private peekIntervalUnit(): boolean {
    const t = this.peek();
    return t.kind === TokenKind.WORD && INTERVAL_UNITS.has(t.upper);
  }

  private parseIntervalUnit(): IntervalUnit {
    if (!this.peekIntervalUnit()) throw this.unexpected('an interval unit such as DAY');
    return this.advance().upper as IntervalUnit;
  }

  // Interval : INTERVAL Expr Unit | INTERVAL "(" Expr, Expr, ... ")"   (the latter is a function)
  private parseInterval(): Expr {
    this.expectKeyword('INTERVAL');
    if (this.peekPunct('(')) return this.parseFunctionArgs(null, 'INTERVAL');
    const value = this.parseExpression();
    return this.node({ kind: 'interval', value, unit: this.parseIntervalUnit() }, value);
  }

  // Extract : EXTRACT "(" Unit FROM Expr ")"
  private parseExtract(): Expr {
    this.expectKeyword('EXTRACT');
    this.expectPunct('(');
    this.enter();
    const unit = this.parseIntervalUnit();
    this.expectKeyword('FROM');
    const expr = this.parseExpression();
    this.expectPunct(')');
    this.leave();
    return this.node({ kind: 'extract', unit, expr }, expr);
  }

  // Trim : TRIM "(" [BOTH | LEADING | TRAILING] [Expr] FROM Expr ")" | TRIM "(" Expr ")"
  private parseTrim(): Expr {
    this.expectKeyword('TRIM');
    this.expectPunct('(');
    this.enter();
    let mode: TrimMode | null = null;
    const m = this.peek();
    if (m.kind === TokenKind.WORD && (m.upper === 'BOTH' || m.upper === 'LEADING' || m.upper === 'TRAILING')) {
      this.pos++;
      mode = m.upper;
    }
    let remove: Expr | null = null;
    let expr: Expr;
    if (mode !== null && this.expectOptionalKeyword('FROM')) {
      expr = this.parseExpression();
    } else {
      const first = this.parseExpression();
      if (this.expectOptionalKeyword('FROM')) {
        remove = first;
        expr = this.parseExpression();
      } else {
        if (mode !== null) throw this.unexpected('FROM');
        expr = first;
      }
    }
    this.expectPunct(')');
    this.leave();
    return this.node({ kind: 'trim', mode, remove, expr }, remove, expr);
  }

  // Substring : (SUBSTRING | SUBSTR) "(" Expr ("," Expr ["," Expr] | FROM Expr [FOR Expr]) ")"
  private parseSubstring(name: string): Expr {
    this.pos++;
    this.expectPunct('(');
    this.enter();
    const args = [this.parseExpression()];
    if (this.expectOptionalKeyword('FROM')) {
      args.push(this.parseExpression());
      if (this.expectOptionalKeyword('FOR')) args.push(this.parseExpression());
    } else {
      while (this.expectOptionalPunct(',')) args.push(this.parseExpression());
    }
    this.expectPunct(')');
    this.leave();
    return this.node({ kind: 'function', schema: null, name, distinct: false, args }, ...args);
  }
}

function scopeKeyword(upper: string): VariableScope | null {
  switch (upper) {
    case 'GLOBAL':
      return 'global';
    case 'SESSION':
    case 'LOCAL':
      return 'session';
    case 'PERSIST':
      return 'persist';
    case 'PERSIST_ONLY':
      return 'persistOnly';
    default:
      return null;
  }
}

/** `@@x` in SET means the session value; `@@global.x` etc. name their scope. */
function scopeOfToken(scope: string | null): VariableScope {
  switch (scope) {
    case 'global':
      return 'global';
    case 'persist':
      return 'persist';
    case 'persist_only':
      return 'persistOnly';
    default:
      return 'session';
  }
}

function mergeLabels(a: string | null, b: string | null): string | null {
  if (a !== null && b !== null) throw semanticError('ER_DUPLICATE_OPTION', 'Option label specified more than once (PROPERTIES and WITH LABEL)');
  return a ?? b;
}

/** Reads `async_job_priority=n` from the hints before SUBMIT JOB; other hints are ignored, as MySQL does. */
function parsePriorityHint(hints: readonly Token[]): number | null {
  let priority: number | null = null;
  for (const h of hints) {
    for (const m of h.value.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*([^\s,()]*)|\(([^)]*)\))?/g)) {
      if ((m[1] ?? '').toLowerCase() !== 'async_job_priority') continue;
      const raw = (m[2] ?? m[3] ?? '').trim();
      if (!/^[-+]?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
        throw semanticError('ER_INVALID_OPTION_VAL', `Invalid option value for async_job_priority: '${raw}' (expected an integer)`);
      }
      if (priority !== null) throw semanticError('ER_DUPLICATE_OPTION', 'Option async_job_priority specified more than once');
      priority = Number(raw);
    }
  }
  return priority;
}

/** Statements that certainly run on the target as written, and may be huge (bulk INSERTs). */
const BULK_PASSTHROUGH_VERBS = new Set(['INSERT', 'REPLACE', 'UPDATE', 'DELETE', 'LOAD', 'CALL', 'DO', 'VALUES', 'TABLE']);

/** The passthrough of a bulk statement, found without building its tokens; null for other verbs. */
function bulkPassthrough(sql: string): StatementOf<'passthrough'> | null {
  // Short statements take the ordinary path; looking at the head twice would cost more than it saves.
  if (sql.length < 4096) return null;
  const head = lex(sql.length > 256 ? sql.slice(0, 256) : sql).tokens.find((t) => t.kind !== TokenKind.HINT);
  if (head === undefined || head.kind !== TokenKind.WORD || !BULK_PASSTHROUGH_VERBS.has(head.upper)) return null;
  const { tokens, secondStatementAt } = scanSemicolons(sql);
  if (secondStatementAt !== null) {
    const { offset, line, column } = secondStatementAt;
    throw new SqlSyntaxError(sql, offset, line, column, 'Expected end of statement, found a second statement (use splitStatements for multi-statement text)');
  }
  const end = tokens[0]?.kind === TokenKind.PUNCT ? tokens[0].offset : sql.length;
  return { kind: 'passthrough', sql: sql.slice(0, end).trim(), verb: head.upper };
}

/** Builds a parser over the first statement of `sql`; a second statement is a syntax error. */
function parserFor(sql: string): Parser {
  const all = tokenize(sql);
  const ends = statementEnds(all);
  let stop = all.length - 1;
  let end = sql.length;
  const firstEnd = ends[0];
  if (firstEnd !== undefined) {
    for (let i = firstEnd + 1; i < all.length; i++) {
      const t = all[i];
      if (t === undefined || t.kind === TokenKind.EOF) break;
      if (t.kind === TokenKind.HINT || (t.kind === TokenKind.PUNCT && t.value === ';')) continue;
      // Without CLIENT_MULTI_STATEMENTS MySQL reports the second statement as a syntax error.
      throw new SqlSyntaxError(sql, t.offset, t.line, t.column, 'Expected end of statement, found a second statement (use splitStatements for multi-statement text)');
    }
    stop = firstEnd;
    end = all[firstEnd]?.offset ?? sql.length;
  }
  const tokens: Token[] = [];
  const hints = new Map<number, Token[]>();
  let pending: Token[] = [];
  for (let i = 0; i < stop; i++) {
    const t = all[i];
    if (t === undefined) break;
    if (t.kind === TokenKind.HINT) {
      pending.push(t);
      continue;
    }
    if (pending.length > 0) {
      hints.set(tokens.length, pending);
      pending = [];
    }
    tokens.push(t);
  }
  const eofSource = all[stop] ?? all[all.length - 1];
  if (eofSource === undefined) throw new Error('token list without EOF');
  tokens.push({ ...eofSource, kind: TokenKind.EOF, text: '', value: '', upper: '', end: eofSource.offset });
  return new Parser(sql, tokens, hints, end);
}

/**
 * Parses one statement (a trailing `;` is fine). Throws SqlError: 1064 for syntax, 1065 for an
 * empty query, specific codes for semantic problems (unknown option, bad alias, ...).
 */
export function parseStatement(sql: string): Statement {
  return bulkPassthrough(sql) ?? parserFor(sql).parseStatement();
}

/** Parses a multi-statement text; throws at the first statement in error. */
export function parseStatements(text: string): Statement[] {
  return splitStatements(text).map((piece) => parseStatement(piece.sql));
}

/** Parses a lone expression (for tests, and for callers that store expressions as text). */
export function parseExpression(sql: string): Expr {
  const parser = parserFor(sql);
  const e = parser.parseExpression();
  parser.expectEnd();
  return e;
}
