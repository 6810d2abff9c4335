// Console texts for the page shell's accessibility and phone parts (landmark names, the phone menu); i18n.ts merges them.

export const A11Y_ZH = {
  "nav.label": "主导航",
  "nav.menu": "菜单",
  "table.actions": "操作",
} as const;

export const A11Y_EN: Record<keyof typeof A11Y_ZH, string> = {
  "nav.label": "Main",
  "nav.menu": "Menu",
  "table.actions": "Actions",
};
