import { describe, expect, it } from 'vitest';
import { doseInMg, dosesPerDayFor } from '../../lambdas/messages/dosing.js';

describe('doseInMg', () => {
  it.each([
    ['30', 'mg', 30],
    ['60', 'MG', 60],
    ['25', 'g', 25000],
    ['12.5', 'g', 12500],
    ['0.25', 'ug', 0.00025],
    ['0.25', 'mcg', 0.00025],
    ['667', 'milligram', 667],
  ])('%s %s -> %d mg', (amount, unit, mg) => {
    expect(doseInMg(amount, unit)).toBe(mg);
  });

  it.each([
    ['1', 'TAB'],
    ['4000', '[iU]'],
    ['10', 'mL'],
    ['', 'mg'],
    ['30,5', 'mg'],
    ['30', ''],
  ])('%j %j has no dose in mg', (amount, unit) => {
    expect(doseInMg(amount, unit)).toBeUndefined();
  });
});

describe('dosesPerDayFor', () => {
  it.each([
    ['QD', 1],
    ['daily', 1],
    ['Q24H', 1],
    ['BID', 2],
    ['Q12H', 2],
    ['TID', 3],
    ['Q8H', 3],
    ['QID', 4],
    ['Q6H', 4],
    ['QOD', 0.5],
    ['Q2D', 0.5],
    ['QW', 1 / 7],
    ['Q1W', 1 / 7],
    ['TIW', 3 / 7],
    ['3XW', 3 / 7],
    ['Q1J135', 3 / 7], // Monday, Wednesday, Friday: a dialysis schedule
    ['QJ246', 3 / 7],
    ['Q2J1', 1 / 14],
    ['2ID', 2],
  ])('%s -> %d per day', (code, perDay) => {
    const frequency = dosesPerDayFor(code);
    expect(frequency.dosesPerDay).toBeCloseTo(perDay, 12);
    expect(frequency).toMatchObject({ code: code.toUpperCase(), understood: true });
  });

  it('no code means once daily', () => {
    expect(dosesPerDayFor('')).toEqual({ dosesPerDay: 1, understood: true });
  });

  it.each(['PRN', 'Q0H', 'WITH MEALS', 'Q1J8'])('unknown %j counts once daily and keeps the code', (code) => {
    expect(dosesPerDayFor(code)).toEqual({ code, dosesPerDay: 1, understood: false });
  });
});
