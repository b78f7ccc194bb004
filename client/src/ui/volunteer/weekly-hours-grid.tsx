// The week in the volunteer's own time: a row per day, a checkbox per four hours, each named in
// full for screen readers ("Mon 08–12"); a table a phone screen still shows whole.
import { t } from '../i18n/i18n.js';
import { BLOCKS_PER_DAY, BLOCK_HOURS, DAYS_PER_WEEK, blockIndex } from './weekly-hours.js';

const DAYS = Array.from({ length: DAYS_PER_WEEK }, (_, day) => day);
const BLOCKS = Array.from({ length: BLOCKS_PER_DAY }, (_, block) => block);

function hours(block: number): string {
  const pad = (hour: number) => String(hour).padStart(2, '0');
  return t('block.hours', { from: pad(block * BLOCK_HOURS), to: pad((block + 1) * BLOCK_HOURS) });
}

export function WeeklyHoursGrid({
  legend,
  blocks,
  onToggle,
}: {
  legend: string;
  blocks: readonly boolean[];
  onToggle: (index: number) => void;
}) {
  return (
    <fieldset class="picker">
      <legend>{legend}</legend>
      <table class="week">
        <thead>
          <tr>
            <td />
            {BLOCKS.map((block) => (
              <th key={block} scope="col">
                {hours(block)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {DAYS.map((day) => (
            <tr key={day}>
              <th scope="row">{t(`day.${day}` as `day.0`)}</th>
              {BLOCKS.map((block) => {
                const index = blockIndex({ day, block });
                return (
                  <td key={block}>
                    <input
                      type="checkbox"
                      name="hours"
                      aria-label={`${t(`day.${day}` as `day.0`)} ${hours(block)}`}
                      checked={blocks[index] === true}
                      onChange={() => onToggle(index)}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}
