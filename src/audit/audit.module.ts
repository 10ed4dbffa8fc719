import { Module } from '@nestjs/common';
import { AsOfController } from './http/as-of.controller.js';
import { AuditEventsController } from './http/audit-events.controller.js';

/** Auditors' reading of the log: the NDJSON export (whole and public) and the state as of a past point. */
@Module({ controllers: [AuditEventsController, AsOfController] })
export class AuditModule {}
