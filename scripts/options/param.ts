/** `--param name=value`, shared by every command that runs a scenario. */
export const paramOption = {
  type: 'string',
  array: true,
  // One value per flag, so `--param ms=5 busy-wait` leaves busy-wait a scenario id.
  nargs: 1,
  default: [] as string[],
  describe: 'Override a scenario parameter: name=value or scenario.name=value (repeatable)',
} as const;
