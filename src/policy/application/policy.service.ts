import { Injectable } from '@nestjs/common';
import { CommandPipeline } from '../../event-store/command-pipeline.js';
import { POLICY_STREAM, PolicyState, PolicyVersion, policyAt, policyDecider } from '../domain/policy.js';

/** The policy in force at a command's time, read from the policy stream. */
@Injectable()
export class PolicyService {
  constructor(private readonly pipeline: CommandPipeline) {}

  async at(time: Date): Promise<PolicyVersion> {
    return policyAt(await this.state(), time);
  }

  async state(): Promise<PolicyState> {
    return (await this.pipeline.load(policyDecider, POLICY_STREAM)).state;
  }
}
