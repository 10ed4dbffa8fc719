export type OpdCommand =
  | { readonly type: 'RegisterOpd'; readonly opdCode: string; readonly name: string; readonly kabupatenKotaCode: string }
  | { readonly type: 'RenameOpd'; readonly name: string };
