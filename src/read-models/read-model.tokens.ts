export const READ_MODEL_DB = Symbol('ReadModelDb');
