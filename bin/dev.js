#!/usr/bin/env node
// Runs the compiled plugin in development mode (no ts loader: `tsc --watch` keeps lib/ current).
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url });
