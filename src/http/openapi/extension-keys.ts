/**
 * Extension keys the document's completion reads (openapi-document.ts) and then removes. A file
 * without imports: the auth decorators mark routes with them without depending on the HTTP layer.
 */
export const PROBLEM_CODES_EXTENSION = 'x-problem-codes';
export const PUBLIC_EXTENSION = 'x-public';
export const ROLES_EXTENSION = 'x-roles';
