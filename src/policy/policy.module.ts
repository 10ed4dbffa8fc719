import { Module } from '@nestjs/common';
import { PolicyService } from './application/policy.service.js';
import { SetPolicyHandler } from './application/set-policy.handler.js';
import { PolicyController } from './http/policy.controller.js';

@Module({
  controllers: [PolicyController],
  providers: [PolicyService, SetPolicyHandler],
  exports: [PolicyService],
})
export class PolicyModule {}
