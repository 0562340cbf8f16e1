export { AccountHost, type AccountHostEvents, type AccountHostOptions } from './account-host.js';
export { BUDGETED_METHODS, type BudgetHooks, budgetedClient } from './budgeted-client.js';
export { type HealthSource, healthRoutes } from './health-routes.js';
export { AccountError, type AccountProblem, SendBudgetError } from './host-errors.js';
export { ACCOUNT_STATES, type AccountsSource, HostMetrics } from './host-metrics.js';
export { type HostServer, type HostServerOptions, startHostServer } from './host-server.js';
export {
  type AccountChange,
  type AccountSpec,
  type AccountState,
  type AccountSummary,
  HostedAccount,
  type HostedAccountInit,
  specProblem,
} from './hosted-account.js';
export { SEND_BUDGET_SETTING, SendBudget, type SendBudgetState, utcDay } from './send-budget.js';
