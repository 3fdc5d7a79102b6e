/**
 * `npm run demo`: the sample story (samples/story) told to the local stack.
 * HL7 has no comment lines, so what each message should set off is told
 * here, by file name. Synthetic patient: MRN 900001 at NDC, chair 7.
 */
import { demoCommand } from './cli/commands/demo.js';
import { runMain } from './cli/io.js';

const narrative: Record<string, string> = {
  '01-warfarin-order.hl7':
    'Warfarin 5 mg daily is ordered for MRN 900001 (NDC, chair 7), who is not in the calciphylaxis ' +
    'cohort yet: stored, no alert.',
  '02-cinacalcet-order.hl7': 'Cinacalcet 90 mg daily is ordered: stored, still no alert outside the cohort.',
  '03-calciphylaxis-diagnosis.hl7':
    'Calciphylaxis is diagnosed (SNOMED CT 237900002): the patient enters the cohort and every rule runs ' +
    'on what is stored. Expect a critical page, VKA_ACTIVE: the warfarin must be stopped.',
  '04-labs-pth-high.hl7':
    'Labs: calcium 8.9 mg/dL (in range), PTH 620 pg/mL, phosphate 5.1 mg/dL. Expect an urgent notice, ' +
    'PTH_SEVERE (PTH > 500 pg/mL: refer for parathyroidectomy); phosphate raises nothing.',
  '05-calcium-critical.hl7':
    'A week later calcium is 1.80 mmol/L (7.2 mg/dL). Expect a critical page, CALCIUM_CRITICAL_LOW ' +
    '(< 7.5 mg/dL): withhold cinacalcet, restart at 60 mg once calcium is back to 8.0 mg/dL.',
  '06-warfarin-discontinued.hl7':
    'Warfarin is discontinued. Expect VKA_ACTIVE to resolve (a resolved message on the pages topic).',
  '07-thiosulfate-order.hl7':
    'Sodium thiosulfate 25 g three times a week is ordered, the treatment the guideline asks for: no new alert.',
  '08-calcium-recovering.hl7':
    'Calcium 8.2 mg/dL. Expect CALCIUM_CRITICAL_LOW to resolve (>= 8.0: restart cinacalcet at 60 mg) and an ' +
    'urgent CALCIUM_LOW to open (7.5 to 8.4 mg/dL).',
  '09-calcium-normal.hl7': 'Calcium 9.1 mg/dL, back in range. Expect CALCIUM_LOW to resolve.',
};

runMain((args, io) => demoCommand(args, io, { narrative }));
