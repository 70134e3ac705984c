import {afterAll, afterEach} from 'vitest';
import {assertNoSecretShown, readWatchedStores} from './secret-scan.js';

// Every test file (vitest setupFiles): no captured output may show a secret whole. Stores are read
// after each test, since a file may remove its store directories in its own afterAll.
afterEach(readWatchedStores);
afterAll(assertNoSecretShown);
