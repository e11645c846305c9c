import { describe, expect, it } from 'vitest';
import { parseExpression } from '../sql/parser.js';
import type { TableDef } from '../targets/target.js';
import { bindFields, planMapping, planSql } from './mapping.js';

const def: TableDef = {
  database: 'd', name: 't', comment: '', tableType: 'BASE TABLE', createTime: '', indexes: [],
  columns: ['id', 'name', 'qty'].map((name) => ({ name, type: 'int', nullable: true, autoIncrement: false, onUpdateCurrentTimestamp: false, comment: '' })),
};
const csv = { uri: 's3://b/x.csv', properties: {}, format: 'csv' as const, importOptions: [] };

describe('planMapping', () => {
  it('maps an IMPORT INTO column list with @vars and SET onto fields by position', () => {
    const plan = planMapping({ kind: 'import', columns: [{ kind: 'column', name: 'ID' }, { kind: 'userVariable', name: 'n' }], set: [{ column: 'name', value: parseExpression('UPPER(@n)') }] }, def, csv);
    expect(plan.fields).toEqual([{ kind: 'position', index: 0 }, { kind: 'position', index: 1 }]);
    expect(plan.columns).toEqual(['id', 'name']);
    expect(planSql(plan).exprs).toEqual(['__f0', 'UPPER(__f1)']);
    expect(plan.direct).toBe(false);
  });

  it('is direct for a plain column list', () => {
    expect(planMapping({ kind: 'import', columns: null, set: [] }, def, csv).direct).toBe(true);
  });

  it('names headerless CSV fields c1..cN and compares them with numbers as numbers', () => {
    const plan = planMapping({ kind: 'select', columns: null, items: [{ expr: parseExpression('c2'), alias: null }], where: parseExpression('c1 > 5') }, def, csv);
    expect(plan.fields).toEqual([{ kind: 'position', index: 1 }, { kind: 'position', index: 0 }]);
    expect(planSql(plan).where).toBe('__f1 + 0 > 5');
  });

  it('finds named fields through a header', () => {
    const plan = planMapping({ kind: 'select', columns: null, items: [{ expr: parseExpression('b'), alias: null }], where: null }, def, { ...csv, properties: { format: 'csv_with_names' } });
    expect(bindFields(plan.fields, ['A', 'B'])).toEqual([1]);
  });

  it('refuses unknown target columns', () => {
    expect(() => planMapping({ kind: 'import', columns: [{ kind: 'column', name: 'nope' }], set: [] }, def, csv)).toThrow(/Unknown column 'nope'/);
  });
});
