/**
 * How the hospital's rules configuration reaches the functions: as a JSON
 * file bundled next to their code at synth, never in the environment (Lambda
 * allows 4 KB of variables in all, and the local lab and drug code maps can
 * hold thousands of entries). Pure: names only; the handlers read the file.
 */

/** The file each function bundle carries beside its code (`/var/task/rules-config.json`). */
export const rulesConfigFileName = 'rules-config.json';

/** Where the file is when it is not beside the code (the local stack, tests): a path, never the configuration. */
export const rulesConfigFileVariable = 'RULES_CONFIG_FILE';
