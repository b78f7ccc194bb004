// Reserved handles: the words and stems, their look-alikes, and look-alikes of staff handles.
import { describe, expect, it } from 'vitest';
import { handleSchema } from '../src/protocol/common.js';
import { isReservedHandle, lookAlikeKey } from '../src/protocol/reserved-handles.js';

describe('reserved handles', () => {
  it.each([
    'admin',
    'adm1n',
    'a.d.m.i.n',
    'sysadmin',
    'the_admin',
    'administrator',
    'moderator',
    'm0derat0r',
    'rnoderator',
    'support',
    'supp0rt-team',
    'kolokol',
    'kolokol.news',
    'k0l0k0l',
    'mod',
    'm0d',
    'root',
    'r00t',
    'staff',
    '5taff',
    'help',
    'he1p',
    'security',
  ])('%s is reserved', (handle) => {
    expect(handleSchema.safeParse(handle).success).toBe(true);
    expect(isReservedHandle(handle)).toBe(true);
  });

  it.each(['olga.k', 'anna.m', 'volunteer7', 'mod.irina', 'modest', 'kolya', 'helper.anna'])(
    '%s is free',
    (handle) => {
      expect(isReservedHandle(handle)).toBe(false);
    },
  );

  it('folds separators, digits and letter pairs that pass for each other', () => {
    expect(lookAlikeKey('Mod.Irina')).toBe(lookAlikeKey('m0d_1rina'));
    expect(lookAlikeKey('vvolf')).toBe(lookAlikeKey('wolf'));
    expect(lookAlikeKey('olga.k')).not.toBe(lookAlikeKey('olga.m'));
  });

  it('reserves look-alikes of staff handles, and only of those', () => {
    const staff = ['mod.irina', 'vera-k'];
    for (const handle of ['mod.lrina', 'm0d_1rina', 'modirina', 'vera.k', 'verak', 'vera_k']) {
      expect(isReservedHandle(handle, staff)).toBe(true);
    }
    for (const handle of ['mod.irena', 'vera.kz', 'irina']) {
      expect(isReservedHandle(handle, staff)).toBe(false);
    }
  });
});
