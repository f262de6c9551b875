/** Exit codes that CI scripts can rely on; in a module of its own so the gate can use them without the flag stack. */
export const EXIT = { passed: 0, gateFailed: 1, cannotRun: 2 } as const;
