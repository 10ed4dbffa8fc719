import { ValidateIf } from 'class-validator';

/**
 * An optional field may be left out, but not sent as null: class-validator's IsOptional lets
 * null through, and a null name or code then reached the domain as if it were a value.
 */
export const IsOmittable = (): PropertyDecorator => ValidateIf((_object: object, value: unknown) => value !== undefined);
