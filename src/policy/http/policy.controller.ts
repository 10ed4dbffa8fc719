import { Body, Controller, Get, Inject, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../auth/roles.decorator.js';
import { CLOCK } from '../../event-store/event-store.tokens.js';
import { CommandEndpoint } from '../../http/command-endpoint.decorator.js';
import { CommandResponseDto, commandResponse } from '../../http/command-response.js';
import { commandContext } from '../../http/request-context.js';
import type { Clock } from '../../kernel/clock.js';
import { PolicyService } from '../application/policy.service.js';
import { SetPolicyCommand } from '../application/set-policy.handler.js';
import { DEFAULT_POLICY, PolicyValues, RED_FLAG_POLICY_DEFAULTS, policyAt } from '../domain/policy.js';
import { SetPolicyDto } from './set-policy.dto.js';
import { ApiJsonResponse, ApiProblems } from '../../http/openapi/api-responses.js';
import { POLICY_SCHEMA } from './policy.schema.js';

@ApiTags('policy')
@Controller('policy')
export class PolicyController {
  constructor(
    private readonly commands: CommandBus,
    private readonly policies: PolicyService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The policy in force now, and every version with its revision and effective date' })
  @ApiJsonResponse('{ current, versions }: the policy in force and every version', { schema: POLICY_SCHEMA })
  async current(): Promise<Record<string, unknown>> {
    const state = await this.policies.state();
    return { current: policyAt(state, this.clock.now()), versions: [DEFAULT_POLICY, ...state.versions] };
  }

  @Post()
  @CommandEndpoint({ roles: ['admin'], status: 201, response: { etag: false } })
  @ApiOperation({ summary: 'Set a new policy version (admin); decisions from its effective date record its revision' })
  @ApiProblems('INVALID_POLICY', 'POLICY_IN_THE_PAST')
  async set(@Body() body: SetPolicyDto, @Req() request: FastifyRequest): Promise<CommandResponseDto> {
    const { effectiveFrom, ...given } = body;
    const values: PolicyValues = { ...RED_FLAG_POLICY_DEFAULTS, ...definedOnly(given) };
    const result = await this.commands.execute(new SetPolicyCommand(new Date(effectiveFrom), values, commandContext(request, this.clock)));
    return commandResponse(result);
  }
}

/** An omitted optional parameter must not overwrite its default with undefined. */
function definedOnly<T extends object>(values: T): Omit<T, never> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as T;
}
