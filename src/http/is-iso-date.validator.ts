import { ValidationOptions, isISO8601, registerDecorator } from 'class-validator';

const DATE_PART = /^(\d{4})-(\d{2})-(\d{2})/;

/**
 * ISO 8601 (a date, or a date and time), on a real calendar day. class-validator's own strict
 * check reads the year through Date, which takes years 0..99 as 1900..1999, so that a valid
 * `0021-02-11T10:00:00Z` was refused. Registered under class-validator's name (isIso8601) so the
 * OpenAPI document states it as it states that check (src/http/openapi/validation-constraints.ts).
 */
export function IsIsoDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isIso8601',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be a valid ISO 8601 date string`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isISO8601(value) && isCalendarDay(value) },
    });
  };
}

function isCalendarDay(value: string): boolean {
  const match = DATE_PART.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return day <= date.getUTCDate();
}
