import { describe, expect, it } from 'vitest';
import { mapDbError } from '../../src/store/db-errors.js';
import { RetryableTransactionError, UniqueViolationError } from '../../src/store/port.js';

const driverError = (props: Record<string, unknown>) => Object.assign(new Error('driver said no'), props);

describe('mapDbError()', () => {
  it('mapDbError() turns PostgreSQL 23505 into UniqueViolationError with the constraint name', () => {
    const cause = driverError({ code: '23505', constraint: 'app_identities_pk' });
    const mapped = mapDbError(cause);
    expect(mapped).toBeInstanceOf(UniqueViolationError);
    expect(mapped).toMatchObject({ constraint: 'app_identities_pk', cause });
  });

  it('mapDbError() turns PostgreSQL 40001 and 40P01 into RetryableTransactionError', () => {
    expect(mapDbError(driverError({ code: '40001' }))).toMatchObject({ name: 'RetryableTransactionError', reason: 'serialization' });
    expect(mapDbError(driverError({ code: '40P01' }))).toMatchObject({ name: 'RetryableTransactionError', reason: 'deadlock' });
  });

  it('mapDbError() turns "too many clients", shutdown and refused connections into a 503 ERR_STORE_UNAVAILABLE', () => {
    for (const code of ['53300', '57P01', '57P03', 'ECONNREFUSED']) {
      const mapped = mapDbError(Object.assign(new Error('x'), { code }));
      expect(mapped, code).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', status: 503 });
    }
  });

  it('mapDbError() turns SQLite unique/primary-key failures into UniqueViolationError named like PostgreSQL', () => {
    const unique = mapDbError(
      driverError({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY', message: 'UNIQUE constraint failed: union_identities.union_key, union_identities.unionid' }),
    );
    expect(unique).toBeInstanceOf(UniqueViolationError);
    expect((unique as UniqueViolationError).constraint).toBe('union_identities_pk');
  });

  it('mapDbError() turns SQLITE_BUSY into RetryableTransactionError', () => {
    const mapped = mapDbError(driverError({ code: 'SQLITE_BUSY' }));
    expect(mapped).toBeInstanceOf(RetryableTransactionError);
    expect((mapped as RetryableTransactionError).reason).toBe('busy');
  });

  it('mapDbError() returns anything else unchanged', () => {
    const fk = driverError({ code: '23503' });
    expect(mapDbError(fk)).toBe(fk);
    expect(mapDbError('text')).toBe('text');
    expect(mapDbError(null)).toBe(null);
  });
});
