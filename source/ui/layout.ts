// The screen's geometry: the smallest terminal the full screen is laid out for.
/** Below MIN_COLUMNS × MIN_ROWS the screen is one centred line saying so (keys still work). */
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;
