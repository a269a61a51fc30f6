// Every page of the console, in navigation order. A page module exports
// { id, title, roles: ['admin', 'operator', 'auditor'], nav (default true), render(root, ctx) }.
// Append new pages here (one import and one list entry each).
import fleet from './fleet.js';
import device from './device.js';
import claimTokens from './claim-tokens.js';
import users from './users.js';
import audit from './audit.js';
// jobs, models, OTA campaigns and ledger pages (e2)
import jobs from './jobs.js';
import models from './models.js';
import campaigns from './campaigns.js';
import ledger from './ledger.js';

export default [
  fleet,
  device,
  claimTokens,
  users,
  audit,
  jobs,
  models,
  campaigns,
  ledger,
];
