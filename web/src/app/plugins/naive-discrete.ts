// Loaded on the first notice only: the discrete API brings every Naive UI provider (dialog,
// notification, loading bar, modal) with it, which no first page needs.
export { createDiscreteApi } from 'naive-ui'
